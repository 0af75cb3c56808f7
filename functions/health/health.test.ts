import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freshApi } from "../app/test-client.ts";

describe("GET /health", () => {
  it("reports the database version through the real Worker entrypoint", async () => {
    const response = await SELF.fetch("http://crm.test/health");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; database: { status: string; version: string } };
    expect(body.status).toBe("ok");
    expect(body.database.status).toBe("ok");
    expect(body.database.version).toMatch(/^surrealdb-3\./);
    expect(response.headers.get("x-request-id")).toBeTruthy();
  });

  it("answers 503 with the error envelope when the database is unreachable", async () => {
    // Port 9 (discard) on loopback: nothing listens, so the connection is refused.
    const api = await freshApi("health_down", {
      SURREAL_URL: "ws://127.0.0.1:9/rpc",
      SURREAL_CONNECT_TIMEOUT_MS: "1500",
    });
    const response = await api.get<{ error: { code: string; message: string; requestId: string } }>(
      "/health",
    );
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe("database_unavailable");
    expect(response.body.error.requestId).toBe(response.headers.get("x-request-id"));
    expect(response.text).not.toMatch(/at .*\.ts/);
  });

  it("answers 500 configuration_error naming the variable when SURREAL_URL is not a WebSocket URL", async () => {
    const api = await freshApi("health_conf", { SURREAL_URL: "http://example.com" });
    const response = await api.get<{ error: { code: string; message: string } }>("/health");
    expect(response.status).toBe(500);
    expect(response.body.error.code).toBe("configuration_error");
    expect(response.body.error.message).toContain("SURREAL_URL");
  });
});
