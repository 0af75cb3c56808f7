import type { Env, Hono } from "hono";

/**
 * Swagger UI without inline script, so its page can run under a strict CSP: the bundle comes from
 * the CDN it is published on, pinned to one version and checked with Subresource Integrity (hashes
 * of the files in the swagger-ui-dist 5.35.0 npm package), and the few lines that start it are
 * served by this Worker. The token typed into "Authorize" stays in memory (not localStorage).
 */
const SWAGGER_VERSION = "5.35.0";
const CDN_BASE = `https://cdn.jsdelivr.net/npm/swagger-ui-dist@${SWAGGER_VERSION}`;
const BUNDLE = {
  src: `${CDN_BASE}/swagger-ui-bundle.js`,
  integrity: "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9",
};
const STYLES = {
  href: `${CDN_BASE}/swagger-ui.css`,
  integrity: "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I",
};

const INIT_SCRIPT = `window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({ url: "/api-docs/openapi.json", dom_id: "#swagger-ui" });
});
`;

const CSP = [
  "default-src 'none'",
  `script-src 'self' ${BUNDLE.src}`,
  `style-src ${STYLES.href} 'unsafe-inline'`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function mountDocs<E extends Env>(app: Hono<E>, title: string) {
  const body = [
    '<div id="swagger-ui"></div>',
    `<link rel="stylesheet" href="${STYLES.href}" integrity="${STYLES.integrity}" crossorigin="anonymous" />`,
    `<script src="${BUNDLE.src}" integrity="${BUNDLE.integrity}" crossorigin="anonymous"></script>`,
    '<script src="/swagger-ui/init.js"></script>',
  ].join("\n");
  const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
  </head>
  <body>
    ${body}
  </body>
</html>`;
  app.get("/swagger-ui", (c) => {
    c.header("Content-Security-Policy", CSP);
    return c.html(page);
  });
  app.get("/swagger-ui/init.js", (c) => {
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(INIT_SCRIPT);
  });
}
