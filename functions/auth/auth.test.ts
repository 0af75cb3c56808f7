import { env } from "cloudflare:test";
import type { LoginResult, Principal, User } from "@crm/shared/schemas";
import { sign } from "hono/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { type ErrorBody, freshApi, type TestApi } from "../app/test-client.ts";

const ADMIN_EMAIL = "founder@crm.example";
const ADMIN_PASSWORD = "correct horse battery staple";

let api: TestApi;
beforeAll(async () => {
  api = await freshApi("auth", { CRM_ADMIN_EMAIL: ADMIN_EMAIL, CRM_ADMIN_PASSWORD: ADMIN_PASSWORD });
});

const login = (email: string, password: string, ip = "203.0.113.1") =>
  api
    .as(undefined)
    .post<LoginResult & ErrorBody>("/api/auth/login", { email, password }, { "cf-connecting-ip": ip });

async function createUser(role: "admin" | "member" | "viewer", password = "a long enough password") {
  const email = `${role}-${crypto.randomUUID().slice(0, 8)}@crm.example`;
  const created = await api.post<User>("/api/users", { email, name: `A ${role}`, role, password });
  expect(created.status).toBe(201);
  return { ...created.body, password };
}

describe("POST /api/auth/login", () => {
  it("bootstraps the first admin from CRM_ADMIN_EMAIL / CRM_ADMIN_PASSWORD on first sign-in", async () => {
    const first = await login(` ${ADMIN_EMAIL.toUpperCase()} `, ADMIN_PASSWORD);
    expect(first.status).toBe(200);
    expect(first.body.token_type).toBe("Bearer");
    expect(first.body.user).toMatchObject({ email: ADMIN_EMAIL, role: "admin", disabled: false });
    expect(Date.parse(first.body.expires_at)).toBeGreaterThan(Date.now());
    const me = await api.as(first.body.token).get<Principal>("/api/auth/me");
    expect(me.body).toMatchObject({
      kind: "user",
      email: ADMIN_EMAIL,
      role: "admin",
      scopes: ["read", "write", "admin"],
    });

    // The user now exists (once), and signing in again checks the stored hash.
    const again = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(again.status).toBe(200);
    expect(again.body.user.id).toBe(first.body.user.id);
    const users = await api.get<{ data: User[] }>("/api/users");
    expect(users.body.data.filter((u) => u.email === ADMIN_EMAIL)).toHaveLength(1);
  });

  it("the env admin only bootstraps an empty system: once deleted (other admins exist) it cannot come back", async () => {
    const solo = await freshApi("auth_bootstrap", {
      CRM_ADMIN_EMAIL: ADMIN_EMAIL,
      CRM_ADMIN_PASSWORD: ADMIN_PASSWORD,
    });
    const signIn = () =>
      solo
        .as(undefined)
        .post<LoginResult>("/api/auth/login", { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    const first = await signIn();
    expect(first.status).toBe(200);
    await solo.post("/api/users", {
      email: "second@crm.example",
      name: "Second",
      role: "admin",
      password: "another long password",
    });
    expect((await solo.delete(`/api/users/${first.body.user.id}`)).status).toBe(204);
    expect((await signIn()).status).toBe(401);
  });

  it("answers the same 401 for a wrong password and for an unknown email", async () => {
    const user = await createUser("member");
    const wrong = await login(user.email, "not the password at all");
    const unknown = await login("nobody@crm.example", "whatever password");
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({
        code: "unauthorized",
        message: "invalid email or password",
      });
    }
  });

  it("validates the body (422) and needs no credential itself", async () => {
    const response = await api.as(undefined).post<ErrorBody>("/api/auth/login", { email: "x@y.co" });
    expect(response.status).toBe(422);
    expect(response.body.error.details).toContainEqual({ field: "password", message: "is required" });
  });

  it("throttles brute force on one account: 429 with Retry-After, even for the right password", async () => {
    const user = await createUser("viewer");
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await login(user.email, `wrong guess ${i}`, `198.51.100.${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const blocked = await login(user.email, user.password, "198.51.100.99");
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("rate_limited");
    expect(blocked.headers.get("retry-after")).toBe("60");
  });

  it("throttles many sign-in attempts from one IP address", async () => {
    const small = await freshApi("auth_ip", { LOGIN_IP_LIMITER: env.TEST_SMALL_IP_LIMITER });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await small
        .as(undefined)
        .post(
          "/api/auth/login",
          { email: `spray${i}@crm.example`, password: "password guess" },
          { "cf-connecting-ip": "192.0.2.77" },
        );
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4)).toEqual([429, 429]);
  });
});

describe("session tokens", () => {
  it("log out: the token stops working at once; API keys and the admin token cannot log out", async () => {
    const user = await createUser("member");
    const { token } = (await login(user.email, user.password)).body;
    expect((await api.as(token).get("/api/contacts")).status).toBe(200);
    expect((await api.as(token).post("/api/auth/logout")).status).toBe(204);
    const after = await api.as(token).get<ErrorBody>("/api/contacts");
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("unauthorized");
    expect((await api.post<ErrorBody>("/api/auth/logout")).status).toBe(409);
  });

  it("disabling a user or changing their password ends their sessions", async () => {
    const disabled = await createUser("member");
    const t1 = (await login(disabled.email, disabled.password)).body.token;
    expect((await api.patch(`/api/users/${disabled.id}`, { disabled: true })).status).toBe(200);
    expect((await api.as(t1).get("/api/contacts")).status).toBe(401);
    expect((await login(disabled.email, disabled.password)).status).toBe(401);

    const rotated = await createUser("member");
    const t2 = (await login(rotated.email, rotated.password)).body.token;
    expect((await api.patch(`/api/users/${rotated.id}`, { password: "a brand new password" })).status).toBe(
      200,
    );
    expect((await api.as(t2).get("/api/contacts")).status).toBe(401);
    expect((await login(rotated.email, "a brand new password")).status).toBe(200);
  });

  it("a role change applies to live sessions (the session row, not the token, decides)", async () => {
    const user = await createUser("member");
    const { token } = (await login(user.email, user.password)).body;
    const person = { first_name: "R", last_name: "C", email: `${crypto.randomUUID()}@role.example` };
    expect((await api.as(token).post("/api/contacts", person)).status).toBe(201);
    await api.patch(`/api/users/${user.id}`, { role: "viewer" });
    const denied = await api
      .as(token)
      .post<ErrorBody>("/api/contacts", { ...person, email: "other@role.example" });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("forbidden");
  });

  it("refuses forged, expired and malformed tokens with the same 401", async () => {
    const user = await createUser("viewer");
    const { token } = (await login(user.email, user.password)).body;
    const [, payload] = token.split(".");
    const claims = JSON.parse(atob((payload ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as Record<
      string,
      unknown
    >;
    const now = Math.floor(Date.now() / 1000);
    const forged = await sign({ ...claims }, "not-the-server-secret-not-the-server-secret", "HS256");
    const expired = await sign(
      { ...claims, iat: now - 7200, nbf: now - 7200, exp: now - 3600 },
      env.CRM_SESSION_SECRET,
      "HS256",
    );
    const otherSession = await sign({ ...claims, sid: "nosuchsession" }, env.CRM_SESSION_SECRET, "HS256");
    const unsigned = `${btoa(JSON.stringify({ alg: "none", typ: "JWT" }))}.${payload}.`;
    for (const bad of [
      forged,
      expired,
      otherSession,
      unsigned,
      `${token}x`,
      "garbage",
      "crm_notarealkeynotarealkey",
    ]) {
      const response = await api.as(bad).get<ErrorBody>("/api/auth/me");
      expect(response.status, bad.slice(0, 20)).toBe(401);
      expect(response.body.error.message).toBe(
        "a valid bearer token is required (missing, invalid, expired or revoked)",
      );
    }
    expect((await api.as(token).get("/api/auth/me")).status).toBe(200);
  });

  it("GET /api/auth/me describes the admin token", async () => {
    const me = await api.get<Principal>("/api/auth/me");
    expect(me.body).toMatchObject({ kind: "admin_token", role: "admin", scopes: ["read", "write", "admin"] });
  });
});
