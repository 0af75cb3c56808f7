import { SwaggerUI } from "@hono/swagger-ui";
import type { Env, Hono } from "hono";

/**
 * Swagger UI without inline script, so its page can run under a strict CSP: the bundle comes from
 * the CDN it is published on, and the few lines that start it are served by this Worker.
 */
const SWAGGER_VERSION = "5";
const CDN = "https://cdn.jsdelivr.net";

const INIT_SCRIPT = `window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({ url: "/api-docs/openapi.json", dom_id: "#swagger-ui", persistAuthorization: true });
});
`;

const CSP = [
  "default-src 'none'",
  `script-src 'self' ${CDN}`,
  `style-src ${CDN} 'unsafe-inline'`,
  `img-src 'self' data: ${CDN}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function mountDocs<E extends Env>(app: Hono<E>, title: string) {
  const body = SwaggerUI({
    url: "/api-docs/openapi.json",
    version: SWAGGER_VERSION,
    manuallySwaggerUIHtml: (asset) =>
      [
        '<div id="swagger-ui"></div>',
        ...asset.css.map((href) => `<link rel="stylesheet" href="${href}" />`),
        ...asset.js.map((src) => `<script src="${src}" crossorigin="anonymous"></script>`),
        '<script src="/swagger-ui/init.js"></script>',
      ].join("\n"),
  });
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
