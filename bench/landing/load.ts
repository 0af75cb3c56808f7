/**
 * A closed-loop load generator: `concurrency` workers each send the next GET as soon as their
 * previous response has been read, until `requests` are done. TTFB is the time until the response
 * headers arrive (Node's fetch, undici, resolves then); the body is read afterwards (`total`).
 */
export interface LoadResult {
  ttfb: number[];
  total: number[];
  /** Responses by `x-cache` header (HIT, MISS, or "none"). */
  cache: Record<string, number>;
  /** Responses by status. */
  statuses: Record<number, number>;
  seconds: number;
}

export async function load(url: string, requests: number, concurrency: number): Promise<LoadResult> {
  const result: LoadResult = { ttfb: [], total: [], cache: {}, statuses: {}, seconds: 0 };
  let next = 0;
  const started = performance.now();
  async function worker() {
    while (next < requests) {
      next += 1;
      const t0 = performance.now();
      const response = await fetch(url);
      const t1 = performance.now();
      await response.arrayBuffer();
      const t2 = performance.now();
      result.ttfb.push(t1 - t0);
      result.total.push(t2 - t0);
      const cache = response.headers.get("x-cache") ?? "none";
      result.cache[cache] = (result.cache[cache] ?? 0) + 1;
      result.statuses[response.status] = (result.statuses[response.status] ?? 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
