/**
 * A demo Agents-gateway backend (`adapter: DemoAgentAdapter`), billed by tokens
 * (docs/marketplace/api-image-openapi.md §6.4): POST /api/<id>/chat with `{"input": "…"}` answers an
 * echo of the input with a `usage` object; with `"stream": true` the answer comes as Server-Sent
 * Events, one word per event, the last one carrying `usage`, then `[DONE]`, as LLM APIs stream.
 */
import type { ApiAdapter, ApiReply, ApiRequest } from "../core/kinds/api/adapter.js";


export class DemoAgentAdapter implements ApiAdapter {
  static readonly kind = "api";

  async handle(req: ApiRequest): Promise<ApiReply> {
    if (req.path !== "/chat" || req.method !== "POST") return { status: 404, body: { error: "POST /chat" } };
    let input: unknown;
    let stream = false;
    try {
      const o = JSON.parse(req.body.toString("utf8")) as { input?: unknown; stream?: unknown };
      input = o.input;
      stream = o.stream === true;
    } catch {
      return { status: 400, body: { error: "the body is not JSON" } };
    }
    if (typeof input !== "string" || input === "") return { status: 400, body: { error: "input must be a non-empty string" } };
    const words = `You said: ${input}`.split(/\s+/);
    const usage = { prompt_tokens: input.split(/\s+/).length, completion_tokens: words.length, total_tokens: input.split(/\s+/).length + words.length };
    if (!stream) return { body: { data: { answer: words.join(" ") }, usage } };
    const signal = req.signal;
    async function* events() {
      for (const [i, word] of words.entries()) {
        if (signal.aborted) return;
        yield `data: ${JSON.stringify({ delta: (i ? " " : "") + word })}\n\n`;
        await new Promise((r) => setTimeout(r, 20));
      }
      yield `data: ${JSON.stringify({ usage })}\n\n`;
      yield "data: [DONE]\n\n";
    }
    return { headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" }, body: events() };
  }
}
