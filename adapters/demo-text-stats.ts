/**
 * A demo API backend, answered in code (`adapter: DemoTextStatsAdapter`): POST /api/<id>/stats with a
 * text body answers how many characters, words and lines it has and its most frequent words;
 * GET /api/<id>/health answers {"status":"ok"}. Anything else is a 404, as a real API would answer.
 */
import type { ApiAdapter, ApiReply, ApiRequest } from "../core/kinds/api/adapter.js";

export class DemoTextStatsAdapter implements ApiAdapter {
  static readonly kind = "api";

  async handle(req: ApiRequest): Promise<ApiReply> {
    if (req.method === "GET" && req.path === "/health") return { body: { status: "ok" } };
    if (req.path !== "/stats") return { status: 404, body: { error: "no such resource" } };
    if (req.method !== "POST") return { status: 405, headers: { Allow: "POST" }, body: { error: "use POST" } };
    const text = req.body.toString("utf8");
    const words = text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
    const counts = new Map<string, number>();
    for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
    const top = Number(req.query.get("top") ?? 3);
    const frequent = [...counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, Number.isInteger(top) && top >= 0 && top <= 50 ? top : 3)
      .map(([word, count]) => ({ word, count }));
    return {
      body: {
        characters: [...text].length,
        words: words.length,
        lines: text === "" ? 0 : text.split(/\r\n|\r|\n/).length,
        frequent,
      },
    };
  }
}
