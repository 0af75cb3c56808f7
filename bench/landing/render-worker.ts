import { type PageView, renderPage } from "./render.ts";

/**
 * A bench-only Worker (never deployed): renders a landing page view inside workerd, as many times as
 * asked. Bundled by `wrangler deploy --dry-run` like the real Workers (same esbuild settings,
 * minified) and served by Miniflare from bench/landing/run.ts, which reads workerd's CPU time around
 * the requests.
 *
 * - `POST /` with a `PageView` as JSON: keeps it (module state; Miniflare runs one isolate).
 * - `GET /?mode=html`: one render, returned (to check it is the page the gateway serves).
 * - `GET /?mode=loop&n=N`: N renders (N may be 0: the cost of the request without a render).
 * - `GET /?mode=each&n=N`: N renders, each timed with `performance.now()`.
 * - `GET /?mode=batch&n=B&size=S`: B batches of S renders, each timed; the mean per render of each.
 *
 * Locally workerd's clock does move during synchronous work (in production it stands still until the
 * next I/O), but in whole milliseconds: `each` gives integer readings (bounds, see run.ts), batches
 * of 20 give means to 0.05 ms.
 */
export interface RenderResult {
  /** Readings (each mode) or batch means (batch mode), in ms. */
  samples: number[];
  /** Wall time of the whole request's renders on workerd's clock, in ms. */
  elapsedMs: number;
  /** Characters rendered (keeps the renders from being optimised away). */
  chars: number;
}

let view: PageView | undefined;

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method === "POST") {
      view = (await request.json()) as PageView;
      return new Response("ok");
    }
    if (!view) return new Response("POST the view first", { status: 409 });
    const params = new URL(request.url).searchParams;
    const mode = params.get("mode");
    const n = Number(params.get("n") ?? 1);
    if (mode === "html") {
      return new Response(await renderPage(view), {
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    }
    const samples: number[] = [];
    let chars = 0;
    const started = performance.now();
    if (mode === "each") {
      for (let i = 0; i < n; i += 1) {
        const t0 = performance.now();
        chars += (await renderPage(view)).length;
        samples.push(performance.now() - t0);
      }
    } else if (mode === "batch") {
      const size = Number(params.get("size") ?? 20);
      for (let i = 0; i < n; i += 1) {
        const t0 = performance.now();
        for (let j = 0; j < size; j += 1) chars += (await renderPage(view)).length;
        samples.push((performance.now() - t0) / size);
      }
    } else {
      for (let i = 0; i < n; i += 1) chars += (await renderPage(view)).length;
    }
    const elapsedMs = performance.now() - started;
    return Response.json({ samples, elapsedMs, chars } satisfies RenderResult);
  },
};
