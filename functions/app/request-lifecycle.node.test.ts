import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { DbClient } from "../../shared/db/client.ts";
import { type LocalSurreal, startLocalSurreal } from "../../shared/db/local-server/server.ts";
import { applyMigrations } from "../../shared/db/migrations.ts";
import { readMigrations } from "../../shared/db/migrations-fs.ts";

/**
 * Per-request connections, observed from the database side. This runs the gateway's fetch handler in
 * Node against a server of its own, so the server's connection count belongs to this test alone
 * (the workerd API tests share one server between files running in parallel).
 */
let server: LocalSurreal;
const ADMIN_TOKEN = "lifecycle-admin-token-0123456789abcdef";
const env = {
  SURREAL_URL: "",
  SURREAL_USER: "root",
  SURREAL_PASS: "lifecycle-pw",
  SURREAL_DB: "lifecycle",
  CRM_ENV: "development",
  CRM_SESSION_SECRET: "lifecycle-session-secret-0123456789abcdef",
  CRM_TRACKING_SECRET: "lifecycle-tracking-secret-0123456789abcdef",
  CRM_ADMIN_TOKEN: ADMIN_TOKEN,
};
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

beforeAll(async () => {
  // Workers have a global WebSocket; Node 20 does not, so the SDK gets `ws` here.
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
  server = await startLocalSurreal({ path: "mem://", port: 0, user: "root", pass: env.SURREAL_PASS });
  env.SURREAL_URL = server.url;
  const db = await DbClient.open({
    url: server.url,
    namespace: "crm",
    database: env.SURREAL_DB,
    credentials: { username: "root", password: env.SURREAL_PASS, level: "root" },
    connectTimeoutMs: 5_000,
    queryTimeoutMs: 15_000,
  });
  await applyMigrations(db, await readMigrations());
  await db.close();
});
afterAll(async () => {
  await server?.close();
});

async function settled(check: () => boolean) {
  for (let i = 0; i < 50 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("per-request database connections", () => {
  it("open one connection per request, close it when the request ends, and reuse the token", async () => {
    const { app: gateway } = await import("../index.ts");
    const before = server.stats();
    for (let i = 0; i < 4; i++) {
      const response = await gateway.request("/api/contacts", { headers: auth }, env);
      expect(response.status).toBe(200);
    }
    const created = await gateway.request(
      "/api/contacts",
      {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ first_name: "Life", last_name: "Cycle", email: "life@cycle.example" }),
      },
      env,
    );
    expect(created.status).toBe(201);
    await settled(() => server.stats().connections === 0);
    const after = server.stats();
    expect(after.connections).toBe(0);
    expect((after.requests.use ?? 0) - (before.requests.use ?? 0)).toBe(5);
    // The token is cached per process (the migration step above already signed in): every request
    // authenticates with it, none pays for a password sign-in.
    expect((after.requests.signin ?? 0) - (before.requests.signin ?? 0)).toBe(0);
    expect((after.requests.authenticate ?? 0) - (before.requests.authenticate ?? 0)).toBe(5);
  });

  it("closes the connection when the request fails too", async () => {
    const { app: gateway } = await import("../index.ts");
    const missing = await gateway.request("/api/contacts/nosuchcontact", { headers: auth }, env);
    expect(missing.status).toBe(404);
    const duplicate = await gateway.request(
      "/api/contacts",
      {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ first_name: "Life", last_name: "Again", email: "LIFE@cycle.example" }),
      },
      env,
    );
    expect(duplicate.status).toBe(409);
    await settled(() => server.stats().connections === 0);
    expect(server.stats().connections).toBe(0);
  });
});
