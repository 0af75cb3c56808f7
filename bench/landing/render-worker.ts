import { type PageView, renderPage } from "./render.ts";

/**
 * A bench-only Worker (never deployed): renders a landing page view many times inside workerd and
 * reports how long the renders took. Bundled by `wrangler deploy --dry-run` like the real Workers
 * (same esbuild settings, minified), served by Miniflare from bench/landing/run.ts.
 *
 * POST a JSON `RenderJob`:
 * - `each`: `n` renders, each timed on its own with `performance.now()`;
 * - `batch`: `n` batches of `size` renders, each batch timed (the mean per render of each batch);
 * - `loop`: `n` renders timed as a whole (run.ts reads the process's CPU time around it);
 * - `html`: one render, returned (to check it is the page the gateway serves).
 *
 * Locally, workerd's clock moves during synchronous work (production freezes it until the next I/O)
 * but only in whole milliseconds (a Spectre mitigation), so `each` gives integer samples: run.ts
 * reads them as bounds, not as timings (see there).
 */
export interface RenderJob {
  mode: "each" | "batch" | "loop" | "html";
  view: PageView;
  n?: number;
  size?: number;
}

export interface RenderResult {
  samples: number[];
  elapsedMs: number;
  bytes: number;
  html?: string;
}

export default {
  async fetch(request: Request): Promise<Response> {
    const job = (await request.json()) as RenderJob;
    const n = job.n ?? 1;
    const samples: number[] = [];
    let bytes = 0;
    const started = performance.now();
    if (job.mode === "html") {
      const html = await renderPage(job.view);
      return Response.json({ samples, elapsedMs: 0, bytes: html.length, html } satisfies RenderResult);
    }
    if (job.mode === "each") {
      for (let i = 0; i < n; i += 1) {
        const t0 = performance.now();
        bytes += (await renderPage(job.view)).length;
        samples.push(performance.now() - t0);
      }
    } else if (job.mode === "batch") {
      const size = job.size ?? 20;
      for (let i = 0; i < n; i += 1) {
        const t0 = performance.now();
        for (let j = 0; j < size; j += 1) bytes += (await renderPage(job.view)).length;
        samples.push((performance.now() - t0) / size);
      }
    } else {
      for (let i = 0; i < n; i += 1) bytes += (await renderPage(job.view)).length;
    }
    const elapsedMs = performance.now() - started;
    return Response.json({ samples, elapsedMs, bytes } satisfies RenderResult);
  },
};
