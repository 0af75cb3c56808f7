import type { MiddlewareHandler } from "hono";

/**
 * Headers on every response. JSON answers cannot be framed or sniffed into something else; HTML
 * gets a strict Content-Security-Policy unless its route set a stricter or more specific one.
 */
const HTML_CSP = [
  "default-src 'none'",
  "img-src 'self' data:",
  "style-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const headers = c.res.headers;
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "no-referrer");
  headers.set("X-Frame-Options", "DENY");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  if (!headers.has("Content-Security-Policy")) {
    const html = (headers.get("content-type") ?? "").startsWith("text/html");
    headers.set("Content-Security-Policy", html ? HTML_CSP : API_CSP);
  }
};
