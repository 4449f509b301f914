/**
 * The upstream of the API case: a plain node:http service answering every request with a small JSON
 * body, as a merchant's existing API would. Called directly it is the floor; through koogate, the cost
 * of verify + proxy is the difference.
 *
 *   node dist/bench/servers/upstream.js
 */
import { createServer } from "node:http";
import { announce } from "./listen.js";

const answer = Buffer.from(JSON.stringify({ ok: true, data: { words: 7, characters: 27 } }));
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": answer.length });
    res.end(answer);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => announce(server, async () => void server.close()));
