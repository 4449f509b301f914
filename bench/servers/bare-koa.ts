/**
 * (a) A bare Koa app: reads the body, parses the same JSON and answers the same shape as koogate's
 * newInstance, with no signature, no database and no signing of the answer. The ceiling of the stack.
 */
import Koa from "koa";
import { readRawBody } from "../../core/serving/raw-body.js";
import { announce } from "./listen.js";

const app = new Koa();
app.use(async (ctx) => {
  const raw = await readRawBody(ctx.req, 65536);
  const body = JSON.parse(raw.bytes.toString("utf8")) as { businessId?: string; instanceId?: string };
  ctx.type = "application/json; charset=utf-8";
  ctx.body = Buffer.from(JSON.stringify({ resultCode: "000000", resultMsg: "success.", instanceId: body.businessId ?? body.instanceId }));
});
const server = app.listen(0, "127.0.0.1", () => announce(server, async () => void server.close()));
