/**
 * Rendered landing pages in the edge cache (the Workers Cache API): a page is rendered once per
 * location and served from there until its TTL ends or an edit purges it. The cached copy carries
 * what serving it needs without the database: the page and campaign (for the view count), the ETag
 * and the CSP; these internal headers never reach visitors.
 */

/** The cache of this location, when the runtime has one (Workers does; plain Node does not). */
function edgeCache(): Cache | undefined {
  return typeof caches === "undefined" ? undefined : (caches as unknown as { default: Cache }).default;
}

/** One key per address a page is served at: `/lp/{id}` and `/lp/{slug}`, on the public origin. */
function keyOf(publicBaseUrl: string, ref: string): Request {
  return new Request(`${publicBaseUrl}/lp/${encodeURIComponent(ref)}`, { method: "GET" });
}

export interface CachedPage {
  html: string;
  page: string;
  campaign: string | null;
  etag: string;
  csp: string;
  /** A hash of the consent wording the page shows ("" without a checkbox). */
  consent: string;
}

const HEADER = {
  page: "x-lp-page",
  campaign: "x-lp-campaign",
  csp: "x-lp-csp",
  consent: "x-lp-consent",
} as const;

export async function readCachedPage(publicBaseUrl: string, ref: string): Promise<CachedPage | undefined> {
  const cache = edgeCache();
  if (!cache) return undefined;
  const hit = await cache.match(keyOf(publicBaseUrl, ref));
  if (!hit) return undefined;
  const page = hit.headers.get(HEADER.page);
  const etag = hit.headers.get("etag");
  const csp = hit.headers.get(HEADER.csp);
  if (!page || !etag || !csp) return undefined;
  return {
    html: await hit.text(),
    page,
    campaign: hit.headers.get(HEADER.campaign) || null,
    etag,
    csp,
    consent: hit.headers.get(HEADER.consent) ?? "",
  };
}

export async function writeCachedPage(
  publicBaseUrl: string,
  ref: string,
  entry: CachedPage,
  ttlSeconds: number,
): Promise<void> {
  const cache = edgeCache();
  if (!cache || ttlSeconds <= 0) return;
  const headers = new Headers({
    "content-type": "text/html; charset=utf-8",
    "cache-control": `public, max-age=${ttlSeconds}`,
    etag: entry.etag,
    [HEADER.page]: entry.page,
    [HEADER.campaign]: entry.campaign ?? "",
    [HEADER.csp]: entry.csp,
    [HEADER.consent]: entry.consent,
  });
  await cache.put(keyOf(publicBaseUrl, ref), new Response(entry.html, { headers }));
}

/** Drops a page's cached copies at every address it had (an edit may have changed the slug). */
export async function purgeCachedPage(publicBaseUrl: string, refs: readonly string[]): Promise<void> {
  const cache = edgeCache();
  if (!cache) return;
  await Promise.all([...new Set(refs)].map((ref) => cache.delete(keyOf(publicBaseUrl, ref))));
}

/** A weak ETag from the rendered page's bytes (the form's timing token is left out: it varies). */
export async function etagOf(html: string): Promise<string> {
  return `W/"${await shortHash(html)}"`;
}

/** The first `bytes` bytes of a text's SHA-256, in hex. */
async function shortHash(text: string, bytes = 12): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, bytes)]
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}

/** What a form token carries about the consent wording shown ("" when there is no checkbox). */
export function consentHash(text: string | null): Promise<string> {
  return text ? shortHash(text, 8) : Promise.resolve("");
}

/** Does an If-None-Match header name this ETag (weak comparison, lists and `*` allowed)? */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const bare = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === bare);
}
