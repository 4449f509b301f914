/**
 * One HTTP request to the marketplace over node:http / node:https, with the certificate always
 * verified, and an outcome that tells a host that could not be reached (worth the fallback host) from
 * one that answered or went quiet after the connection was made.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface WireCall {
  method: "GET" | "POST";
  url: string;
  headers: Readonly<Record<string, string>>;
  body?: Buffer;
  /** the whole exchange, connection included, must end within this */
  timeoutMs: number;
  /** the most bytes of an answer body read; past them the exchange is cut (`oversize`) */
  maxAnswerBytes: number;
}

export type WireOutcome =
  | { kind: "answer"; status: number; bytes: Buffer }
  /** the answer's body passed `maxAnswerBytes` (declared or as it streamed): cut, not read further */
  | { kind: "oversize"; status: number }
  | {
      kind: "network";
      /** ECONNREFUSED, ENOTFOUND, ETIMEDOUT (connect), TIMEOUT (after connecting), ECONNRESET … */
      code: string;
      /** true when no connection was made: the host cannot be reached, another host may be */
      unreachable: boolean;
    };

/** Errors that mean "this host cannot be reached" (the fallback host is tried), not "it failed us". */
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT"]);

/**
 * Sends one request; never throws. The answer is read as it streams and cut at `maxAnswerBytes` (issue
 * 24, finding 7: a 256 MiB order answer was read whole, three times, and took RSS past 1 GB).
 */
export function send(call: WireCall): Promise<WireOutcome> {
  return new Promise((resolve) => {
    const u = new URL(call.url);
    const options = {
      method: call.method,
      headers: call.body ? { ...call.headers, "Content-Length": String(call.body.length) } : call.headers,
      // a fresh connection per request: a reused one would hide whether the host can be reached
      agent: false,
      rejectUnauthorized: true,
      minVersion: "TLSv1.2" as const,
    };
    let connected = false;
    let done = false;
    const finish = (outcome: WireOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = (u.protocol === "https:" ? httpsRequest : httpRequest)(u, options, (res) => {
      const status = res.statusCode ?? 0;
      const cut = () => {
        finish({ kind: "oversize", status });
        req.destroy();
      };
      if (Number(res.headers["content-length"]) > call.maxAnswerBytes) return cut();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > call.maxAnswerBytes) return cut();
        chunks.push(c);
      });
      res.on("end", () => finish({ kind: "answer", status, bytes: Buffer.concat(chunks) }));
      res.on("error", () => finish({ kind: "network", code: "ECONNRESET", unreachable: false }));
    });
    req.on("socket", (socket) => {
      if (!socket.connecting) connected = true;
      else socket.once("connect", () => (connected = true));
    });
    const timer = setTimeout(() => {
      finish(connected ? { kind: "network", code: "TIMEOUT", unreachable: false } : { kind: "network", code: "ETIMEDOUT", unreachable: true });
      req.destroy();
    }, call.timeoutMs);
    req.on("error", (err: NodeJS.ErrnoException) => {
      const code = err.code ?? "ERROR";
      finish({ kind: "network", code, unreachable: !connected && UNREACHABLE.has(code) });
    });
    req.end(call.body);
  });
}
