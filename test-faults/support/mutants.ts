/**
 * Mutated requests for the fuzz run: valid SaaS 2.0 calls (docs/marketplace/saas.md §4) bent at the JSON, the bytes,
 * the query string, the headers, the path and the method — some signed validly over the mutated body
 * (signBasicRequest, the server's own signing code), some not. Deterministic for a given seed.
 */
import { signBasicRequest } from "../../core/signing/basic.js";
import { SAAS_ACTIVITIES } from "../../core/vocabulary.js";

export interface Mutant {
  /** what was bent, for the figures */
  kind: string;
  method: string;
  /** path and query */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** the JSON body, when it still parses to an object */
  parsed?: Record<string, unknown>;
}

export type Rng = () => number;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere */
export function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

const ODD_VALUES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  12345678901234567890,
  "",
  " ",
  "x".repeat(65),
  "y".repeat(10_000),
  "ünïcødé 😀 云商店",
  "\u0000\u0001",
  "' OR 1=1 --",
  "%00%ff",
  "0",
  "1",
  "FREEZE",
  "UNFREEZE",
  "RENEWAL",
  "20300101000000",
  "2030-01-01T00:00:00Z",
  "99999999999999",
  [],
  {},
  [1, "a", null],
  { nested: { deeper: [1, 2, 3] } },
];

export interface MutantOptions {
  key: string;
  product: string;
  /** instances that exist, so that mutated calls can reach real rows */
  instanceIds: readonly string[];
}

export class MutantFactory {
  private n = 0;
  private readonly usedQueries: string[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly o: MutantOptions,
  ) {}

  /** a valid body for a random activity */
  private template(): Record<string, unknown> {
    const rng = this.rng;
    const id = () => pick(rng, this.o.instanceIds);
    const k = ++this.n;
    switch (pick(rng, SAAS_ACTIVITIES)) {
      case "newInstance":
        return { activity: "newInstance", orderId: `FZ-${k % 50}`, orderLineId: `FZ-${k % 50}-1`, businessId: `biz-fz-${k}`, testFlag: "0" };
      case "queryInstance":
        return { activity: "queryInstance", instanceId: rng() < 0.8 ? id() : `${id()},${id()},unknown-${k}` };
      case "refreshInstance":
        return { activity: "refreshInstance", instanceId: id(), orderId: `R-${k}`, orderLineId: `R-${k}-1`, scene: "RENEWAL", expireTime: "20300101000000" };
      case "updateInstanceStatus":
        return { activity: "updateInstanceStatus", instanceId: id(), status: pick(rng, ["FREEZE", "UNFREEZE"]) };
      case "releaseInstance":
        return { activity: "releaseInstance", instanceId: id() };
      case "upgradeInstance":
        return { activity: "upgradeInstance", instanceId: id(), orderId: `U-${k}`, orderLineId: `U-${k}-1` };
      case "changeInstanceCheck":
        return { activity: "changeInstanceCheck", instanceId: id(), productInfo: { plan: Math.floor(rng() * 5) } };
    }
  }

  private mutateJson(o: Record<string, unknown>): Record<string, unknown> {
    const rng = this.rng;
    const keys = Object.keys(o);
    const times = 1 + Math.floor(rng() * 3);
    for (let i = 0; i < times; i++) {
      const r = rng();
      if (r < 0.25) delete o[pick(rng, keys)];
      else if (r < 0.6) o[pick(rng, keys)] = pick(rng, ODD_VALUES);
      else if (r < 0.7) o[pick(rng, ["extra", "__proto__", "constructor", "resultCode", "sign"])] = pick(rng, ODD_VALUES);
      else if (r < 0.8) o.activity = pick(rng, [...SAAS_ACTIVITIES, "expireInstance", "upgrade", "", "NEWINSTANCE", 7]);
      else if (r < 0.9) o.instanceId = pick(rng, [`unknown-${this.n}`, Array.from({ length: 101 }, (_, j) => `i${j}`).join(","), ",,,", pick(rng, this.o.instanceIds)]);
      else o.testFlag = pick(rng, ["1", "0", "2", 1, true, "10"]);
    }
    return o;
  }

  private mutateBytes(text: string): Buffer {
    const rng = this.rng;
    const b = Buffer.from(text, "utf8");
    switch (Math.floor(rng() * 10)) {
      case 0:
        return b.subarray(0, Math.floor(rng() * b.length));
      case 1: {
        const c = Buffer.from(b);
        if (c.length) c[Math.floor(rng() * c.length)] = Math.floor(rng() * 256);
        return c;
      }
      case 2:
        return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]);
      case 3:
        return Buffer.from(`{"activity":"queryInstance",${text.slice(1)}`);
      case 4:
        return Buffer.from(`[${text}]`);
      case 5:
        return Buffer.alloc(0);
      case 6:
        return Buffer.from([0xff, 0xfe, 0x7b, 0x22, 0x80, 0x7d]);
      case 7:
        return Buffer.from("[".repeat(5000) + "]".repeat(5000));
      case 8:
        return Buffer.from(JSON.stringify({ activity: "queryInstance", instanceId: "z".repeat(70_000) }));
      default:
        return Buffer.from(`  \n\t${text}  `);
    }
  }

  private signedQuery(body: Buffer): string {
    const q = signBasicRequest({ accessKey: this.o.key, body: body.toString("utf8") }).query;
    if (this.usedQueries.length < 200) this.usedQueries.push(q);
    return q;
  }

  private mutateQuery(body: Buffer): string {
    const rng = this.rng;
    const text = body.toString("utf8");
    const signed = signBasicRequest({ accessKey: this.o.key, body: text });
    const p = new URLSearchParams(signed.query);
    switch (Math.floor(rng() * 12)) {
      case 0:
        p.delete(pick(rng, ["signature", "timestamp", "nonce"]));
        return p.toString();
      case 1: {
        const s = signed.signature;
        const i = Math.floor(rng() * s.length);
        p.set("signature", s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1));
        return p.toString();
      }
      case 2: {
        const stale = String(Date.now() - 120_000 - Math.floor(rng() * 1e6));
        return signBasicRequest({ accessKey: this.o.key, body: text, timestamp: stale }).query;
      }
      case 3: {
        const future = String(Date.now() + 120_000);
        return signBasicRequest({ accessKey: this.o.key, body: text, timestamp: future }).query;
      }
      case 4:
        return signBasicRequest({ accessKey: this.o.key, body: text, timestamp: pick(rng, ["abc", "-1", "1e3", "", "99999999999999999999"]) }).query;
      case 5:
        return `${signed.query}&nonce=${"D".repeat(64)}&signature=00`;
      case 6:
        return `${signed.query}&%zz=%ff%fe&x=${encodeURIComponent("😀")}`;
      case 7:
        return signBasicRequest({ accessKey: this.o.key, body: text, nonce: "N".repeat(pick(rng, [129, 300, 2000])) }).query;
      case 8:
        return this.usedQueries.length ? pick(rng, this.usedQueries) : signed.query;
      case 9:
        return signBasicRequest({ accessKey: "not-the-key", body: text }).query;
      case 10:
        return "";
      default:
        return `signature=${signed.signature.toLowerCase()}&timestamp=${signed.timestamp}&nonce=${signed.nonce}`;
    }
  }

  private mutateHeaders(): Record<string, string> {
    const rng = this.rng;
    const sets: ReadonlyArray<Record<string, string>> = [
      { "content-type": "text/plain" },
      { "content-type": "application/json; charset=iso-8859-1" },
      { "content-type": "application/x-www-form-urlencoded" },
      { "content-encoding": "gzip", "content-type": "application/json" },
      { "x-forwarded-for": "not-an-ip, 999.1.1.1" },
      { "x-sign": "garbage", "x-timestamp": "1", "x-nonce": "n" },
      { accept: "text/html" },
      { "x-very-long": "v".repeat(8000) },
    ];
    return pick(rng, sets);
  }

  /** the next mutated request */
  next(): Mutant {
    const rng = this.rng;
    const base = `/produce/${this.o.product}`;
    const headers: Record<string, string> = { "content-type": "application/json;charset=utf8" };
    const r = rng();
    let body: Buffer;
    let parsed: Record<string, unknown> | undefined;
    let kind: string;
    let query: string;
    let path = base;
    let method = "POST";
    if (r < 0.1) {
      kind = "valid";
      parsed = this.template();
      body = Buffer.from(JSON.stringify(parsed));
      query = this.signedQuery(body);
    } else if (r < 0.45) {
      kind = "json, signed";
      parsed = this.mutateJson(this.template());
      body = Buffer.from(JSON.stringify(parsed));
      query = this.signedQuery(body);
    } else if (r < 0.6) {
      kind = "json, unsigned";
      parsed = this.mutateJson(this.template());
      body = Buffer.from(JSON.stringify(parsed));
      query = rng() < 0.5 ? "" : `signature=${"0".repeat(64)}&timestamp=${Date.now()}&nonce=${this.n}`;
    } else if (r < 0.75) {
      kind = "bytes, signed";
      body = this.mutateBytes(JSON.stringify(this.template()));
      query = this.signedQuery(body);
    } else if (r < 0.88) {
      kind = "query";
      parsed = rng() < 0.5 ? this.template() : this.mutateJson(this.template());
      body = Buffer.from(JSON.stringify(parsed));
      query = this.mutateQuery(body);
    } else if (r < 0.96) {
      kind = "headers, signed";
      parsed = this.template();
      body = Buffer.from(JSON.stringify(parsed));
      query = this.signedQuery(body);
      Object.assign(headers, this.mutateHeaders());
    } else {
      kind = "path or method";
      parsed = this.template();
      body = Buffer.from(JSON.stringify(parsed));
      query = this.signedQuery(body);
      path = pick(rng, [base, "/produce/unknown", "/produce/", `${base}/extra`, "/produce/%ff", "/healthz", "/"]);
      method = pick(rng, ["GET", "PUT", "DELETE", "PATCH", "POST"]);
      if (method === "GET") body = Buffer.alloc(0);
    }
    return { kind, method, path: query ? `${path}?${query}` : path, headers, body, parsed };
  }
}
