import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freshApi } from "./test-client.ts";

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
  components: { schemas: Record<string, unknown> };
}

describe("API documentation", () => {
  it("serves an OpenAPI 3.1 document describing every route with its request, response and error schemas", async () => {
    const api = await freshApi("docs");
    const response = await api.get<OpenApiDocument>("/api-docs/openapi.json");
    expect(response.status).toBe(200);
    const doc = response.body;
    expect(doc.openapi).toBe("3.1.0");
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        "GET /health",
        "GET /api/contacts",
        "POST /api/contacts",
        "GET /api/contacts/{id}",
        "PATCH /api/contacts/{id}",
        "DELETE /api/contacts/{id}",
        "GET /api/contacts/{id}/timeline",
        "GET /api/companies",
        "POST /api/companies",
        "GET /api/companies/{id}",
        "PATCH /api/companies/{id}",
        "DELETE /api/companies/{id}",
        "GET /api/companies/{id}/contacts",
        "POST /api/timeline",
        "GET /api/timeline/{id}",
        "DELETE /api/timeline/{id}",
        "POST /api/auth/login",
        "POST /api/auth/logout",
        "GET /api/auth/me",
        "GET /api/users",
        "POST /api/users",
        "GET /api/users/{id}",
        "PATCH /api/users/{id}",
        "DELETE /api/users/{id}",
        "GET /api/api-keys",
        "POST /api/api-keys",
        "GET /api/api-keys/{id}",
        "DELETE /api/api-keys/{id}",
        "GET /api/settings",
        "PATCH /api/settings",
        "POST /api/segments/preview",
        "GET /api/segments",
        "POST /api/segments",
        "GET /api/segments/{id}",
        "PATCH /api/segments/{id}",
        "DELETE /api/segments/{id}",
        "GET /api/campaigns",
        "POST /api/campaigns",
        "GET /api/campaigns/{id}",
        "PATCH /api/campaigns/{id}",
        "DELETE /api/campaigns/{id}",
        "GET /api/campaigns/{id}/assets",
        "POST /api/campaigns/{id}/assets",
        "GET /api/campaigns/{id}/assets/{assetId}",
        "PATCH /api/campaigns/{id}/assets/{assetId}",
        "POST /api/campaigns/{id}/assets/{assetId}/regenerate",
        "GET /api/campaigns/{id}/assets/{assetId}/preview",
        "GET /api/contacts/{id}/summary",
        "POST /api/campaigns/{id}/execute",
        "GET /api/campaigns/{id}/runs",
        "GET /api/campaigns/{id}/deliveries",
        "GET /api/outbox",
        "GET /api/events",
        "POST /api/events",
        "GET /api/events/{id}",
        "PATCH /api/events/{id}",
        "DELETE /api/events/{id}",
        "POST /api/events/{id}/invite",
        "POST /api/events/{id}/rsvp",
        "POST /api/events/{id}/check-in",
        "GET /api/events/{id}/attendees",
        "GET /e/{id}",
        "POST /e/{id}",
        "GET /api/landing-pages",
        "POST /api/landing-pages",
        "POST /api/landing-pages/generate",
        "GET /api/landing-pages/{id}",
        "PATCH /api/landing-pages/{id}",
        "DELETE /api/landing-pages/{id}",
        "POST /api/landing-pages/{id}/publish",
        "POST /api/landing-pages/{id}/unpublish",
        "GET /api/contacts/{id}/consent",
        "GET /lp/{ref}",
        "POST /lp/{ref}/submit",
        "GET /lp/{ref}/thanks",
        "GET /lp/{ref}/confirm",
        "POST /lp/{ref}/confirm",
        "GET /t/o/{token}",
        "GET /t/c/{token}",
        "GET /u/{token}",
        "POST /u/{token}",
        "POST /webhooks/email/{provider}",
        "GET /api/webhooks",
        "POST /api/webhooks",
        "GET /api/webhooks/{id}",
        "PATCH /api/webhooks/{id}",
        "DELETE /api/webhooks/{id}",
        "GET /api/webhooks/{id}/deliveries",
        "GET /api/analytics/contacts",
        "GET /api/analytics/campaign/{id}",
        "GET /api/analytics/funnel",
        "GET /api/analytics/engagement",
        "POST /api/analytics/track",
      ].sort(),
    );
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const statuses = Object.keys(operation.responses);
        expect(
          statuses.some((s) => s.startsWith("2") || s === "302" || s === "303"),
          `${method} ${path}`,
        ).toBe(true);
        expect(
          statuses.some((s) => Number(s) >= 400),
          `${method} ${path}`,
        ).toBe(true);
        // Actions on the resource in the path, with nothing to say beyond it.
        const bodiless =
          method === "post" &&
          [
            "/api/auth/logout",
            "/api/campaigns/{id}/execute",
            "/u/{token}",
            "/api/landing-pages/{id}/publish",
            "/api/landing-pages/{id}/unpublish",
          ].includes(path);
        if ((method === "post" || method === "patch") && !bodiless) {
          expect(operation.requestBody, `${method} ${path}`).toBeDefined();
        }
      }
    }
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        "Contact",
        "ContactCreate",
        "ContactPatch",
        "Company",
        "TimelineEntry",
        "ErrorEnvelope",
        "Campaign",
        "CampaignAsset",
        "Segment",
        "SegmentTree",
        "BrandSettings",
      ]),
    );
  });

  it("serves Swagger UI pointing at the document, without inline script, under a strict CSP", async () => {
    const api = await freshApi("swagger").then((a) => a.as(undefined));
    const response = await api.get("/swagger-ui");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.text).toContain('<script src="/swagger-ui/init.js"></script>');
    expect(response.text).not.toMatch(/<script>/);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("'unsafe-inline' 'self'");
    expect(csp).toContain(
      "script-src 'self' https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.35.0/swagger-ui-bundle.js;",
    );
    expect(response.text).toMatch(
      /<script src="https:\/\/cdn[^"]+" integrity="sha384-[^"]+" crossorigin="anonymous">/,
    );
    const init = await api.get("/swagger-ui/init.js");
    expect(init.headers.get("content-type")).toContain("text/javascript");
    expect(init.text).toContain("/api-docs/openapi.json");
  });
});

describe("cross-cutting behaviour", () => {
  it("unknown routes are 404 in the envelope; every response carries a request id", async () => {
    const api = await freshApi("notfound");
    const response = await api.get<{ error: { code: string; requestId: string } }>("/api/nothing-here");
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe("not_found");
    expect(response.body.error.requestId).toBe(response.headers.get("x-request-id"));
  });

  it("data routes answer 503 database_unavailable when the database is down (never a 500)", async () => {
    const api = await freshApi("down", {
      SURREAL_URL: "ws://127.0.0.1:9/rpc",
      SURREAL_CONNECT_TIMEOUT_MS: "1000",
    });
    for (const [method, path, body] of [
      ["GET", "/api/contacts", undefined],
      ["POST", "/api/contacts", { first_name: "A", last_name: "B", email: "a@b.co" }],
      ["GET", "/api/companies/abc", undefined],
      ["POST", "/api/timeline", { contact: "abc", type: "note", content: "x" }],
    ] as const) {
      const response = await api.call<{ error: { code: string } }>(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(503);
      expect(response.body.error.code).toBe("database_unavailable");
    }
  });

  it("validates input before touching the database (422 even while it is down)", async () => {
    const api = await freshApi("down_validation", {
      SURREAL_URL: "ws://127.0.0.1:9/rpc",
      SURREAL_CONNECT_TIMEOUT_MS: "1000",
    });
    const response = await api.post<{ error: { code: string } }>("/api/contacts", { email: "nope" });
    expect(response.status).toBe(422);
  });

  it("signs in to SurrealDB once and reuses the token on later requests", async () => {
    const api = await freshApi("tokens");
    const stats = async () =>
      ((await (await fetch(`${env.TEST_SURREAL_HTTP}/stats`)).json()) as { requests: Record<string, number> })
        .requests;
    await api.get("/health"); // warms the token cache for this database
    const before = await stats();
    for (let i = 0; i < 5; i++) expect((await api.get("/api/contacts")).status).toBe(200);
    const after = await stats();
    expect((after.signin ?? 0) - (before.signin ?? 0)).toBe(0);
    expect((after.authenticate ?? 0) - (before.authenticate ?? 0)).toBe(5);
  });
});
