import { spawnSync } from "node:child_process";
import { openSync } from "node:fs";
import { expect } from "chai";
import { createLogger, lostLogLines, REDACTED, REDACTED_FIELDS, type LoggerOptions } from "../../core/logger.js";

/** A logger whose lines are kept, as the tests of the server keep them. */
function capture(opts: Omit<LoggerOptions, "write"> = {}) {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: "debug", ...opts, write: (l) => lines.push(l) }) };
}

const SECRET = "s3cr3t-value-never-printed";

describe("createLogger", () => {
  describe("redaction", () => {
    for (const field of REDACTED_FIELDS) {
      it(`never prints ${field}, at the top of a line or one or two levels down`, () => {
        const { lines, logger } = capture();
        logger.info("call", {
          [field]: SECRET,
          appInfo: { [field]: SECRET },
          sync: { user: { [field]: SECRET } },
          users: [{ [field]: SECRET }],
        });
        expect(lines).to.have.length(1);
        expect(lines[0]).to.not.include(SECRET);
        expect(lines[0]!.split(`"${REDACTED}"`)).to.have.length(5);
      });

      it(`never prints ${field} on a line of strings and numbers only`, () => {
        const { lines, logger } = capture();
        logger.child({ product: "demo" }).info("call", { [field]: SECRET, ms: 1 });
        expect(lines[0]).to.not.include(SECRET);
        expect(JSON.parse(lines[0]!)).to.include({ [field]: REDACTED, product: "demo", ms: 1 });
      });
    }

    it("never prints a secret that came with a child's fields", () => {
      const { lines, logger } = capture();
      logger.child({ customer: { email: SECRET }, password: SECRET }).info("call");
      expect(lines[0]).to.not.include(SECRET);
      expect(JSON.parse(lines[0]!)).to.deep.include({ customer: { email: REDACTED }, password: REDACTED });
    });

    it("never prints a secret inside a child's object field on the child's lines of strings and numbers only", () => {
      const { lines, logger } = capture();
      const child = logger.child({ customer: { email: SECRET } });
      child.info("call", { ms: 1 });
      child.child({ product: "demo" }).info("call", { ms: 2 });
      expect(lines).to.have.length(2);
      for (const line of lines) expect(JSON.parse(line)).to.deep.include({ customer: { email: REDACTED } });
    });

    it("prints fields whose names only resemble a secret's", () => {
      const { lines, logger } = capture();
      logger.info("call", { signed: "canonical", idemKey: "order-1", keyIndex: 1, userName: "buyer" });
      expect(JSON.parse(lines[0]!)).to.deep.include({ signed: "canonical", idemKey: "order-1", keyIndex: 1, userName: "buyer" });
    });
  });

  describe("json lines", () => {
    it("writes level, an ISO time, msg and then the fields, one object per line", () => {
      const { lines, logger } = capture();
      logger.info("call", { product: "demo", ms: 1.5 });
      const line = JSON.parse(lines[0]!) as Record<string, unknown>;
      expect(Object.keys(line)).to.deep.equal(["level", "time", "msg", "product", "ms"]);
      expect(line).to.deep.include({ level: "info", msg: "call", product: "demo", ms: 1.5 });
      expect(new Date(line.time as string).toISOString()).to.equal(line.time);
      expect(lines[0]).to.not.include("\n");
    });

    it("adds a child's fields to every line of the child, and the call's own", () => {
      const { lines, logger } = capture({ fields: { service: "koogate" } });
      const child = logger.child({ product: "demo" }).child({ activity: "newInstance" });
      child.warn("slow", { ms: 4000 });
      const { time, ...rest } = JSON.parse(lines[0]!) as Record<string, unknown>;
      expect(time).to.be.a("string");
      expect(rest).to.deep.equal({ level: "warn", msg: "slow", service: "koogate", product: "demo", activity: "newInstance", ms: 4000 });
    });

    it("prints a field given both to the child and to the call once, with the call's value", () => {
      const { lines, logger } = capture();
      logger.child({ product: "demo" }).info("call", { product: "other" });
      expect(lines[0]!.match(/"product"/g)).to.have.length(1);
      expect(JSON.parse(lines[0]!)).to.include({ product: "other" });
    });

    it("leaves the parent's lines without the child's fields", () => {
      const { lines, logger } = capture();
      logger.child({ product: "demo" });
      logger.info("ready");
      expect(JSON.parse(lines[0]!)).to.not.have.property("product");
    });
  });

  describe("levels", () => {
    it("writes the level given and those above it, and nothing below", () => {
      const { lines, logger } = capture({ level: "warn" });
      logger.debug("d");
      logger.info("i");
      logger.warn("w");
      logger.error("e");
      expect(lines.map((l) => (JSON.parse(l) as { level: string }).level)).to.deep.equal(["warn", "error"]);
    });

    it("defaults to info", () => {
      const lines: string[] = [];
      const logger = createLogger({ write: (l) => lines.push(l) });
      logger.debug("d");
      logger.info("i");
      expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).to.deep.equal(["i"]);
    });

    it("writes nothing at all when silent, children included", () => {
      const { lines, logger } = capture({ level: "silent" });
      for (const l of [logger, logger.child({ product: "demo" })]) {
        l.debug("d");
        l.info("i");
        l.warn("w");
        l.error("e");
      }
      expect(lines).to.deep.equal([]);
    });
  });

  describe("pretty (pino-pretty as a transport, on stderr)", () => {
    /** The stderr of a process that logs `code` (given `log`, a pretty logger) and exits at once. */
    const prettyStderr = (code: string) => {
      const logger = new URL("../../core/logger.js", import.meta.url).href;
      const script = `import(${JSON.stringify(logger)}).then(({ createLogger }) => {
        const log = createLogger({ format: "pretty" });
        ${code};
        process.exit(0);
      });`;
      const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
      expect(r.status, r.stderr).to.equal(0);
      return r.stderr;
    };

    it("writes text for a person, not JSON, with the level, the message and the fields", () => {
      const out = prettyStderr(`log.child({ component: "outbox" }).warn("adapter work failed; will retry", { product: "demo" })`);
      expect(() => JSON.parse(out)).to.throw(SyntaxError);
      expect(out).to.include("WARN").and.include("adapter work failed; will retry").and.include('"product":"demo"').and.include('"component":"outbox"');
    });

    it("redacts as the JSON lines do", () => {
      const out = prettyStderr(`log.info("call", { appInfo: { password: ${JSON.stringify(SECRET)} } })`);
      expect(out).to.include("call");
      expect(out).to.not.include(SECRET);
      expect(out).to.include(REDACTED);
    });

    it("is refused with a write function, which receives JSON lines", () => {
      expect(() => createLogger({ format: "pretty", write: () => {} })).to.throw(Error, /write function receives JSON lines/);
    });
  });

  describe("stderr", () => {
    // the lines of a short CLI run must all be out when it exits straight after logging
    for (const format of ["json", "pretty"] as const) {
      it(`writes ${format} lines to stderr before a process.exit() that follows`, () => {
        const logger = new URL("../../core/logger.js", import.meta.url).href;
        const script = `import(${JSON.stringify(logger)}).then(({ createLogger }) => {
          const log = createLogger({ format: ${JSON.stringify(format)} });
          for (let i = 0; i < 1000; i++) log.info("line " + i);
          process.exit(0);
        });`;
        const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
        const lines = r.stderr.trimEnd().split("\n");
        expect(r.stdout).to.equal("");
        expect(lines).to.have.length(1000);
        expect(lines.at(-1)).to.include("line 999");
        if (format === "json") expect(JSON.parse(lines[0]!)).to.include({ level: "info", msg: "line 0" });
      });
    }
  });

  describe("a destination that fails (a full disk)", () => {
    const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });

    it("never throws to the caller: a line that cannot be written is lost and counted, and the next one written says how many", () => {
      const lines: string[] = [];
      let full = true;
      const logger = createLogger({ write: (l) => (full ? (() => { throw enospc(); })() : lines.push(l)) });
      const before = lostLogLines();
      for (let i = 0; i < 3; i++) expect(() => logger.error("call failed", { i })).not.to.throw();
      expect(lostLogLines() - before).to.equal(3);
      full = false;
      logger.info("back");
      expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>).map((l) => [l.msg, l.count, l.error])).to.deep.equal([
        ["back", undefined, undefined],
        ["log lines lost: the log destination refused them", 3, "ENOSPC"],
      ]);
    });

    for (const format of ["json", "pretty"] as const) {
      it(`keeps a process whose stderr is a full disk (/dev/full) running: every write fails with ENOSPC, the process goes on (${format})`, function () {
        let full: number;
        try {
          full = openSync("/dev/full", "w");
        } catch {
          return this.skip();
        }
        const logger = new URL("../../core/logger.js", import.meta.url).href;
        const script = `import(${JSON.stringify(logger)}).then(async ({ createLogger, lostLogLines }) => {
          const log = createLogger({ format: ${JSON.stringify(format)} });
          for (let i = 0; i < 20000; i++) log.info("line " + i, { pad: "x".repeat(200) });
          await new Promise((r) => setTimeout(r, 50));
          log.error("still here");
          process.stdout.write(JSON.stringify({ alive: true, lost: lostLogLines(), rss: process.memoryUsage().rss }));
        });`;
        const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", stdio: ["ignore", "pipe", full] });
        expect(r.status, r.stdout).to.equal(0);
        const out = JSON.parse(r.stdout) as { alive: boolean; lost: number; rss: number };
        expect(out.alive).to.equal(true);
        // json: the first lines are held (up to 4 MiB, tried again with each line), the rest dropped and
        // counted. pretty: pino-pretty's worker meets the ENOSPC and ends; what it lost is not counted here
        if (format === "json") expect(out.lost).to.be.greaterThan(0);
      });
    }
  });
});
