import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BODY_LIMIT_BYTES } from "./factory.ts";
import { type ErrorBody, freshApi } from "./test-client.ts";

const DASHBOARD = "http://localhost:5173";

describe("request limits", () => {
  it("413 for a body over the limit, before it is parsed", async () => {
    const api = await freshApi("body_limit");
    const huge = JSON.stringify({
      first_name: "A",
      last_name: "B",
      email: "a@b.co",
      note: "x".repeat(BODY_LIMIT_BYTES),
    });
    const response = await api.post<ErrorBody>("/api/contacts", huge);
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe("payload_too_large");
  });

  it("429 with Retry-After once a credential spends its API budget", async () => {
    const api = await freshApi("api_budget", { API_RATE_LIMITER: env.TEST_SMALL_API_LIMITER });
    const statuses: number[] = [];
    let last: Headers | undefined;
    for (let i = 0; i < 5; i++) {
      const response = await api.get("/api/contacts");
      statuses.push(response.status);
      last = response.headers;
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(last?.get("retry-after")).toBe("60");
  });
});

describe("authentication comes first", () => {
  it("an unknown /api route is 401 without a credential (no hint it does not exist), 404 with one", async () => {
    const api = await freshApi("unknown_route");
    expect((await api.as(undefined).get<ErrorBody>("/api/secret-admin-panel")).status).toBe(401);
    expect((await api.as(undefined).get<ErrorBody>("/api/contacts/doesnotexist")).status).toBe(401);
    expect((await api.get<ErrorBody>("/api/secret-admin-panel")).status).toBe(404);
  });

  it("refuses malformed Authorization headers with 401", async () => {
    const api = await freshApi("auth_header");
    for (const header of [
      "",
      "Bearer",
      "Bearer ",
      "Basic dXNlcjpwYXNz",
      `Token ${env.CRM_ADMIN_TOKEN}`,
      `Bearer ${"x".repeat(5000)}`,
    ]) {
      const response = await api.as(undefined).get<ErrorBody>("/api/contacts", { authorization: header });
      expect(response.status, header.slice(0, 20)).toBe(401);
    }
  });
});

describe("CORS", () => {
  it("allows the configured dashboard origin, with credentials, and nobody else", async () => {
    const api = await freshApi("cors");
    const allowed = await api.get("/api/contacts", { origin: DASHBOARD });
    expect(allowed.headers.get("access-control-allow-origin")).toBe(DASHBOARD);
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    expect(allowed.headers.get("access-control-expose-headers")).toContain("X-Request-Id");

    const evil = await api.get("/api/contacts", { origin: "https://evil.example" });
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    expect(evil.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("answers preflights without a credential, only for allowed origins", async () => {
    const api = await freshApi("preflight");
    const preflight = (origin: string) =>
      api.as(undefined).call("OPTIONS", "/api/contacts", undefined, {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      });
    const ok = await preflight(DASHBOARD);
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe(DASHBOARD);
    expect(ok.headers.get("access-control-allow-headers")).toContain("Authorization");
    const other = await preflight("https://evil.example");
    expect(other.status).toBe(204);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("security headers", () => {
  it("on every response: JSON, errors and HTML", async () => {
    const api = await freshApi("headers");
    for (const response of [
      await api.get("/api/contacts"),
      await api.as(undefined).get("/api/contacts"),
      await api.get("/health"),
      await api.get("/swagger-ui"),
      await api.get("/no-such-page"),
    ]) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    }
  });
});

describe("configuration", () => {
  it("refuses every request with a clear error when the session secret is missing or weak", async () => {
    const api = await freshApi("no_secret", { CRM_SESSION_SECRET: "" });
    const response = await api.get<ErrorBody>("/health");
    expect(response.status).toBe(500);
    expect(response.body.error.code).toBe("configuration_error");
    expect(response.body.error.message).toContain("CRM_SESSION_SECRET");
    const weak = await freshApi("weak_secret", { CRM_SESSION_SECRET: "short" });
    expect((await weak.get<ErrorBody>("/api/contacts")).body.error.message).toContain("CRM_SESSION_SECRET");
  });

  it("in production, refuses to run without database credentials or with a non-TLS remote database", async () => {
    const noCredentials = await freshApi("prod_creds", {
      CRM_ENV: "production",
      SURREAL_USER: "",
      SURREAL_PASS: "",
    });
    const creds = await noCredentials.get<ErrorBody>("/health");
    expect(creds.status).toBe(500);
    expect(creds.body.error.message).toContain("SURREAL_USER");
    expect(creds.text).not.toContain(env.CRM_SESSION_SECRET);

    const plain = await freshApi("prod_tls", {
      CRM_ENV: "production",
      SURREAL_URL: "ws://db.example.com/rpc",
    });
    expect((await plain.get<ErrorBody>("/health")).body.error.message).toContain("wss://");
  });

  it("production is the default: without CRM_ENV the production checks apply", async () => {
    const unset = await freshApi("prod_default", { CRM_ENV: undefined, CRM_ADMIN_TOKEN: "" });
    const response = await unset.get<ErrorBody>("/health");
    expect(response.status).toBe(500);
    expect(response.body.error.message).toContain(
      "CRM_ADMIN_TOKEN (or CRM_ADMIN_EMAIL and CRM_ADMIN_PASSWORD)",
    );
    expect(response.body.error.message).toContain("CRM_ALLOWED_ORIGINS (https origins only)");

    const ready = await freshApi("prod_ready", {
      CRM_ENV: undefined,
      CRM_ALLOWED_ORIGINS: "https://app.crm.example",
    });
    // The test database is on loopback with credentials, so this production configuration is complete.
    expect((await ready.get("/health")).status).toBe(200);
  });

  it("refuses half a Turnstile configuration anywhere, and its test secrets or a plain verify URL in production", async () => {
    const half = await freshApi("ts_half", { TURNSTILE_SITE_KEY: "0x4AAAAAAABkMYinukE8nzY" });
    expect((await half.get<ErrorBody>("/health")).body.error.message).toContain("TURNSTILE_SECRET_KEY");
    const production = {
      CRM_ENV: "production" as const,
      CRM_ALLOWED_ORIGINS: "https://app.crm.example",
      TURNSTILE_SITE_KEY: "1x00000000000000000000AA",
    };
    const testKey = await freshApi("ts_test_key", {
      ...production,
      TURNSTILE_SECRET_KEY: "1x0000000000000000000000000000000AA",
    });
    expect((await testKey.get<ErrorBody>("/health")).body.error.message).toContain(
      "TURNSTILE_SECRET_KEY (a test key)",
    );
    const plain = await freshApi("ts_plain", {
      ...production,
      TURNSTILE_SECRET_KEY: "0x4AAAAAAABkMYinukE8nzYS_real_secret",
      TURNSTILE_VERIFY_URL: "http://siteverify.example/turnstile/v0/siteverify",
    });
    expect((await plain.get<ErrorBody>("/health")).body.error.message).toContain("TURNSTILE_VERIFY_URL");
  });
});
