import { expect } from "chai";
import { startServer, type TestServer } from "../../support/server.js";
const OPS_TOKEN = "ops-token-0123456789abcdef";

const WRONG = "ops-token-wrong-0123456789";

/** Posts the sign-in form with `token`; resolves with the status and the session cookie set, if any. */
async function signIn(s: TestServer, token: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}/ops/login`, {
    method: "POST",
    body: `token=${encodeURIComponent(token)}`,
    headers: { origin: s.url, "content-type": "application/x-www-form-urlencoded", ...headers },
    redirect: "manual",
  });
  const setCookie = res.headers.get("set-cookie") ?? undefined;
  return { status: res.status, setCookie, cookie: setCookie?.split(";")[0], retryAfter: res.headers.get("retry-after") };
}

async function page(s: TestServer, cookie: string) {
  return (await fetch(`${s.url}/ops`, { headers: { cookie }, redirect: "manual" })).status;
}

// issue 24, finding 12: no throttling; a cookie derived from the token, never expiring, valid after sign-out
describe("signing in to the operator page (server/ops/auth.ts)", () => {
  let s: TestServer;
  afterEach(async () => s?.close());

  it("opens a new random session at each sign-in, never the same cookie twice", async () => {
    s = await startServer({ env: { KOOGATE_OPS_TOKEN: OPS_TOKEN } });
    const a = await signIn(s, OPS_TOKEN);
    const b = await signIn(s, OPS_TOKEN);
    expect([a.status, b.status]).to.deep.equal([303, 303]);
    expect(a.cookie).not.to.equal(b.cookie);
    expect(await page(s, a.cookie!)).to.equal(200);
    expect(await page(s, b.cookie!)).to.equal(200);
  });

  it("ends the session at sign-out: the same cookie no longer opens the page", async () => {
    s = await startServer({ env: { KOOGATE_OPS_TOKEN: OPS_TOKEN } });
    const { cookie } = await signIn(s, OPS_TOKEN);
    const out = await fetch(`${s.url}/ops/logout`, { method: "POST", headers: { origin: s.url, cookie: cookie! }, redirect: "manual" });
    expect(out.status).to.equal(303);
    expect(await page(s, cookie!)).to.equal(401);
    expect(await s.koogate.db("koogate_ops_sessions").count({ n: "*" }).first()).to.satisfy((r: { n: unknown }) => Number(r.n) === 0);
  });

  it("gives the cookie an expiry and keeps only a digest of the session id in the table", async () => {
    s = await startServer({ env: { KOOGATE_OPS_TOKEN: OPS_TOKEN } });
    const { setCookie, cookie } = await signIn(s, OPS_TOKEN);
    const expires = Date.parse(/expires=([^;]+)/.exec(setCookie!)![1]!);
    expect(expires - Date.now()).to.be.within(8 * 3_600_000 - 60_000, 8 * 3_600_000 + 1000);
    const rows = await s.koogate.db("koogate_ops_sessions").select();
    expect(rows).to.have.length(1);
    expect(JSON.stringify(rows)).not.to.contain(cookie!.split("=")[1]);
  });

  it("refuses a session after it has expired", async () => {
    s = await startServer({ env: { KOOGATE_OPS_TOKEN: OPS_TOKEN } });
    const { cookie } = await signIn(s, OPS_TOKEN);
    await s.koogate.db("koogate_ops_sessions").update({ expires_at: Date.now() - 1 });
    expect(await page(s, cookie!)).to.equal(401);
  });

  it("refuses a session opened with an earlier token", async () => {
    s = await startServer({ env: { KOOGATE_OPS_TOKEN: OPS_TOKEN } });
    const { cookie } = await signIn(s, OPS_TOKEN);
    const url = s.databaseUrl;
    await s.close();
    s = await startServer({ databaseUrl: url, env: { KOOGATE_OPS_TOKEN: "a-new-ops-token-0123456789abcdef" } });
    expect(await page(s, cookie!)).to.equal(401);
  });

  it("shares sessions between the processes of one database: a sign-out on one ends it on the other", async () => {
    s = await startServer({ env: { KOOGATE_OPS_TOKEN: OPS_TOKEN } });
    const other = await startServer({ databaseUrl: s.databaseUrl, env: { KOOGATE_OPS_TOKEN: OPS_TOKEN } });
    try {
      const { cookie } = await signIn(s, OPS_TOKEN);
      expect(await page(other, cookie!), "opened on the first, valid on the second").to.equal(200);
      await fetch(`${other.url}/ops/logout`, { method: "POST", headers: { origin: other.url, cookie: cookie! }, redirect: "manual" });
      expect(await page(s, cookie!), "signed out on the second, ended on the first").to.equal(401);
    } finally {
      await other.close();
    }
  });

  it("throttles wrong tokens from one address: past 10 in a minute it answers 429, even to the right token", async () => {
    s = await startServer({ env: { KOOGATE_OPS_TOKEN: OPS_TOKEN } });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await signIn(s, `${WRONG}${i}`)).status);
    expect(statuses).to.deep.equal(Array(10).fill(401));
    const next = await signIn(s, OPS_TOKEN);
    expect(next.status).to.equal(429);
    expect(next.setCookie).to.equal(undefined);
    expect(Number(next.retryAfter)).to.be.within(1, 60);
    const bearer = await fetch(`${s.url}/ops`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } });
    expect(bearer.status, "a bearer token is a guess too").to.equal(429);
  });

  it("counts wrong bearer tokens as wrong sign-ins", async () => {
    s = await startServer({ env: { KOOGATE_OPS_TOKEN: OPS_TOKEN } });
    for (let i = 0; i < 10; i++) await fetch(`${s.url}/ops`, { headers: { authorization: `Bearer ${WRONG}${i}` } });
    expect((await signIn(s, OPS_TOKEN)).status).to.equal(429);
  });

  it("sets a Secure cookie with KOOGATE_OPS_SECURE_COOKIE=always (the default in production), even over plain http", async () => {
    s = await startServer({ env: { KOOGATE_OPS_TOKEN: OPS_TOKEN, KOOGATE_OPS_SECURE_COOKIE: "always" } });
    expect((await signIn(s, OPS_TOKEN)).setCookie).to.match(/; secure;/);
  });

  it("sets no Secure flag over plain http with KOOGATE_OPS_SECURE_COOKIE=auto", async () => {
    s = await startServer({ env: { KOOGATE_OPS_TOKEN: OPS_TOKEN, KOOGATE_OPS_SECURE_COOKIE: "auto" } });
    expect((await signIn(s, OPS_TOKEN)).setCookie).not.to.match(/secure/);
  });
});
