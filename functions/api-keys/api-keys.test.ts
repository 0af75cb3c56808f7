import { DbClient } from "@crm/shared/db";
import type { ApiKey, ApiKeyCreated, Contact, LoginResult, Principal } from "@crm/shared/schemas";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../app/env.ts";
import { type ErrorBody, freshApi, type TestApi } from "../app/test-client.ts";

let api: TestApi;
beforeAll(async () => {
  api = await freshApi("api_keys");
});

const newKey = (scopes: string[], extra: Record<string, unknown> = {}) =>
  api.post<ApiKeyCreated>("/api/api-keys", { name: `Key ${scopes.join("+")}`, scopes, ...extra });

const person = () => ({ first_name: "K", last_name: "Y", email: `${crypto.randomUUID()}@keys.example` });

describe("API keys", () => {
  it("POST returns the secret once; GET never shows it (or its hash)", async () => {
    const created = await newKey(["read", "read"]);
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    expect(created.body.secret).toMatch(/^crm_[A-Za-z0-9_-]{43}$/);
    expect(created.body.prefix).toBe(created.body.secret.slice(0, 12));
    expect(created.body.scopes).toEqual(["read"]);
    expect(created.body).toMatchObject({ expires_at: null, last_used_at: null, revoked_at: null });

    const listed = await api.get<{ data: ApiKey[] }>("/api/api-keys");
    const item = listed.body.data.find((key) => key.id === created.body.id);
    expect(item).toBeDefined();
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect(item).not.toHaveProperty("secret");
    expect(item).not.toHaveProperty("hash");
    const single = await api.get<ApiKey>(`/api/api-keys/${created.body.id}`);
    expect(single.body).toEqual(item);
  });

  it("a read key reads (200) but cannot write (403); a write key writes; scopes nest", async () => {
    const read = (await newKey(["read"])).body;
    const write = (await newKey(["write"])).body;
    expect((await api.as(read.secret).get("/api/contacts")).status).toBe(200);
    const denied = await api.as(read.secret).post<ErrorBody>("/api/contacts", person());
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({
      code: "forbidden",
      message: "this credential does not have the write scope",
    });
    expect((await api.as(write.secret).post<Contact>("/api/contacts", person())).status).toBe(201);
    expect((await api.as(write.secret).get("/api/contacts")).status).toBe(200);
    expect((await api.as(write.secret).get("/api/api-keys")).status).toBe(403);
    const me = await api.as(write.secret).get<Principal>("/api/auth/me");
    expect(me.body).toMatchObject({ kind: "api_key", id: write.id, scopes: ["read", "write"] });
  });

  it("an admin key manages keys and users", async () => {
    const admin = (await newKey(["admin"])).body;
    expect((await api.as(admin.secret).get("/api/api-keys")).status).toBe(200);
    expect((await api.as(admin.secret).get("/api/users")).status).toBe(200);
  });

  it("revoking is effective immediately; the key stays listed as revoked", async () => {
    const key = (await newKey(["read"])).body;
    expect((await api.as(key.secret).get("/api/contacts")).status).toBe(200);
    expect((await api.delete(`/api/api-keys/${key.id}`)).status).toBe(204);
    expect((await api.as(key.secret).get("/api/contacts")).status).toBe(401);
    const listed = await api.get<ApiKey>(`/api/api-keys/${key.id}`);
    expect(listed.body.revoked_at).not.toBeNull();
    expect((await api.delete(`/api/api-keys/${key.id}`)).status).toBe(204);
    expect((await api.delete("/api/api-keys/nosuchkey")).status).toBe(404);
  });

  it("an expired key is refused; expiry must be in the future when the key is made", async () => {
    const past = await api.post<ErrorBody>("/api/api-keys", {
      name: "Old",
      scopes: ["read"],
      expires_at: "2020-01-01T00:00:00Z",
    });
    expect(past.status).toBe(422);
    expect(past.body.error.details?.map((d) => d.field)).toEqual(["expires_at"]);

    const key = (await newKey(["read"], { expires_at: new Date(Date.now() + 3_600_000).toISOString() })).body;
    expect((await api.as(key.secret).get("/api/contacts")).status).toBe(200);
    const db = await DbClient.open(loadConfig(api.env).database);
    try {
      await db.query("UPDATE type::record('api_key', $key) SET expires_at = time::now() - 1s", {
        key: key.id,
      });
    } finally {
      await db.close();
    }
    expect((await api.as(key.secret).get("/api/contacts")).status).toBe(401);
  });

  it("records when a key was last used", async () => {
    const key = (await newKey(["read"])).body;
    await api.as(key.secret).get("/api/contacts");
    const seen = await api.get<ApiKey>(`/api/api-keys/${key.id}`);
    expect(seen.body.last_used_at).not.toBeNull();
  });

  it("422 for bad scopes, unknown fields and server-owned fields", async () => {
    for (const body of [
      { name: "X", scopes: [] },
      { name: "X", scopes: ["superuser"] },
      { name: "X", scopes: ["read"], hash: "0".repeat(64) },
      { name: "X", scopes: ["read"], secret: "crm_mine" },
      { name: "X", scopes: ["read"], revoked_at: null },
    ]) {
      expect((await api.post("/api/api-keys", body)).status).toBe(422);
    }
  });

  it("members and viewers cannot manage keys (403)", async () => {
    const password = "a long enough password";
    for (const role of ["member", "viewer"] as const) {
      const email = `${role}-keys@crm.example`;
      await api.post("/api/users", { email, name: role, role, password });
      const { token } = (await api.as(undefined).post<LoginResult>("/api/auth/login", { email, password }))
        .body;
      expect((await api.as(token).get("/api/api-keys")).status).toBe(403);
      expect((await api.as(token).post("/api/api-keys", { name: "Mine", scopes: ["read"] })).status).toBe(
        403,
      );
    }
  });

  it("a key acts for its creator: capped by their current role, dead once they are disabled or deleted", async () => {
    const email = `key-owner-${crypto.randomUUID().slice(0, 6)}@crm.example`;
    const password = "a long enough password";
    // Another admin exists, so the owner can be demoted (the last admin never can).
    await api.post("/api/users", { email: `other-${email}`, name: "Other", role: "admin", password });
    const owner = (
      await api.post<{ id: string }>("/api/users", { email, name: "Owner", role: "admin", password })
    ).body;
    const session = (await api.as(undefined).post<LoginResult>("/api/auth/login", { email, password })).body
      .token;
    const key = (
      await api.as(session).post<ApiKeyCreated>("/api/api-keys", { name: "Owner's key", scopes: ["admin"] })
    ).body;
    expect(key.created_by).toBe(owner.id);
    expect((await api.as(key.secret).get("/api/users")).status).toBe(200);

    // A key made with another admin key acts for the same user.
    const derived = (
      await api.as(key.secret).post<ApiKeyCreated>("/api/api-keys", { name: "Derived", scopes: ["write"] })
    ).body;
    expect(derived.created_by).toBe(owner.id);

    await api.patch(`/api/users/${owner.id}`, { role: "member" });
    expect((await api.as(key.secret).get("/api/users")).status).toBe(403);
    expect((await api.as(key.secret).post("/api/contacts", person())).status).toBe(201);
    expect((await api.as(key.secret).get<Principal>("/api/auth/me")).body.scopes).toEqual(["read", "write"]);

    await api.patch(`/api/users/${owner.id}`, { disabled: true });
    expect((await api.as(key.secret).get("/api/contacts")).status).toBe(401);
    expect((await api.as(derived.secret).get("/api/contacts")).status).toBe(401);
    await api.patch(`/api/users/${owner.id}`, { disabled: false });
    expect((await api.as(key.secret).get("/api/contacts")).status).toBe(200);

    expect((await api.delete(`/api/users/${owner.id}`)).status).toBe(204);
    expect((await api.as(key.secret).get("/api/contacts")).status).toBe(401);

    const byAdminToken = (await newKey(["admin"])).body;
    expect(byAdminToken.created_by).toBeNull();
    expect((await api.as(byAdminToken.secret).get("/api/users")).status).toBe(200);
  });
});
