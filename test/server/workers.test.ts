/**
 * Issue 20, "Every core": `koogate serve --workers N` runs N server processes on one port under a
 * primary that restarts a worker that dies and stops them all on SIGTERM. Several processes need
 * PostgreSQL; on SQLite the start is refused with the reason.
 */
import { expect } from "chai";
import { freshDatabaseUrl, testDatabaseKind } from "../support/database.js";
import { connectTo, runKoogate, startServerProcess, type ServerProcess } from "../support/process.js";
import { TEST_KEY, TEST_KIT_KEY, writeProducts } from "../support/server.js";
import { eventually } from "../support/wait.js";

/** The worker pids of the "koogate listening" lines so far, in order. */
function listening(s: ServerProcess): number[] {
  return s.lines.filter((l) => l.includes('"koogate listening"')).map((l) => (JSON.parse(l) as { worker: number }).worker);
}

const purchase = (n: string) => ({ activity: "newInstance", orderId: `WORKERS-${n}`, orderLineId: `WORKERS-${n}-1`, businessId: `biz-workers-${n}` });

describe(`koogate serve --workers (${testDatabaseKind})`, function () {
  this.timeout(90_000);

  if (testDatabaseKind === "sqlite") {
    it("refuses more than one worker on SQLite, saying PostgreSQL is needed", async () => {
      const r = await runKoogate(["serve", "--workers", "2"], {
        PORT: "0",
        KOOGATE_DATABASE_URL: await freshDatabaseUrl(),
        KOOGATE_PRODUCTS: writeProducts(),
        TEST_BASIC_KEY: TEST_KEY,
        TEST_KIT_KEY,
        KOOGATE_LOG_FORMAT: "json",
      });
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stderr).to.include("koogate serve: KOOGATE_WORKERS/--workers 2 needs PostgreSQL");
    });
    return;
  }

  let server: ServerProcess;
  afterEach(async () => {
    if (server.child.exitCode === null) await server.kill();
  });

  it("serves on one port with two workers, restarts a killed worker, and stops every process on SIGTERM with status 0", async () => {
    server = await startServerProcess({ databaseUrl: await freshDatabaseUrl(), args: ["--workers", "2"] });
    const [first, second] = await eventually(async () => (listening(server).length >= 2 ? listening(server) : null), "two workers listening", 60_000);
    expect(first).to.not.equal(second);
    expect((await server.send(purchase("1"))).json).to.deep.equal({ resultCode: "000000", resultMsg: "success.", instanceId: "biz-workers-1" });

    process.kill(first!, "SIGKILL");
    const restarted = await eventually(async () => listening(server)[2], "a third worker listening", 60_000);
    expect(restarted).to.not.be.oneOf([first, second]);
    expect(server.lines.some((l) => l.includes('"a worker died: restarting it"') && l.includes(`"worker":${first}`))).to.equal(true);
    for (const n of ["2", "3", "4"]) expect((await server.send(purchase(n))).json.resultCode, `purchase ${n}`).to.equal("000000");

    server.child.kill("SIGTERM");
    expect(await server.exited, "the primary's exit status").to.equal(0);
    expect(await connectTo(server.port), "a connection once the primary has exited").to.equal("ECONNREFUSED");
    for (const pid of [second!, restarted]) expect(alive(pid), `worker ${pid} still running`).to.equal(false);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
