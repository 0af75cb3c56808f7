import type { LoginResult, User } from "@crm/shared/schemas";
import { beforeAll, describe, expect, it } from "vitest";
import { type ErrorBody, freshApi, type TestApi } from "../app/test-client.ts";

let api: TestApi;
beforeAll(async () => {
  api = await freshApi("users");
});

const PASSWORD = "a long enough password";

describe("users (admin only)", () => {
  it("creates, lists, reads, updates and deletes users; passwords never come back", async () => {
    const created = await api.post<User>("/api/users", {
      email: " Grace@CRM.example ",
      name: "Grace Hopper",
      password: PASSWORD,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email: "grace@crm.example",
      role: "member",
      disabled: false,
      last_login_at: null,
    });
    expect(created.text).not.toContain(PASSWORD);
    expect(created.text).not.toContain("pbkdf2");

    const listed = await api.get<{ data: User[] }>("/api/users?role=member");
    expect(listed.body.data.map((u) => u.email)).toContain("grace@crm.example");
    expect(listed.text).not.toContain("password");

    const updated = await api.patch<User>(`/api/users/${created.body.id}`, {
      role: "viewer",
      name: "Rear Admiral Hopper",
    });
    expect(updated.body).toMatchObject({ role: "viewer", name: "Rear Admiral Hopper" });
    expect((await api.get<User>(`/api/users/${created.body.id}`)).body.role).toBe("viewer");

    expect((await api.delete(`/api/users/${created.body.id}`)).status).toBe(204);
    expect((await api.get(`/api/users/${created.body.id}`)).status).toBe(404);
  });

  it("409 for a taken email; 422 for a short password, unknown role, server-owned fields", async () => {
    await api.post("/api/users", { email: "taken@crm.example", name: "T", password: PASSWORD });
    const dup = await api.post<ErrorBody>("/api/users", {
      email: "TAKEN@crm.example",
      name: "T2",
      password: PASSWORD,
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.details).toEqual([{ field: "email", message: "is already in use" }]);
    for (const [body, field] of [
      [{ email: "a@crm.example", name: "A", password: "short" }, "password"],
      [{ email: "a@crm.example", name: "A", password: PASSWORD, role: "owner" }, "role"],
      [
        { email: "a@crm.example", name: "A", password: PASSWORD, password_hash: "pbkdf2-sha256$1$x$y" },
        "password_hash",
      ],
      [
        { email: "a@crm.example", name: "A", password: PASSWORD, last_login_at: "2026-01-01T00:00:00Z" },
        "last_login_at",
      ],
    ] as const) {
      const response = await api.post<ErrorBody>("/api/users", body);
      expect(response.status, field).toBe(422);
      expect(
        response.body.error.details?.map((d) => d.field),
        field,
      ).toContain(field);
    }
  });

  it("never demotes, disables or deletes the last active admin (409)", async () => {
    const admin = (
      await api.post<User>("/api/users", {
        email: "only-admin@crm.example",
        name: "Only",
        role: "admin",
        password: PASSWORD,
      })
    ).body;
    for (const attempt of [
      () => api.patch<ErrorBody>(`/api/users/${admin.id}`, { role: "member" }),
      () => api.patch<ErrorBody>(`/api/users/${admin.id}`, { disabled: true }),
      () => api.delete<ErrorBody>(`/api/users/${admin.id}`),
    ]) {
      const response = await attempt();
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe("conflict");
    }
    const second = (
      await api.post<User>("/api/users", {
        email: "second-admin@crm.example",
        name: "Second",
        role: "admin",
        password: PASSWORD,
      })
    ).body;
    expect((await api.patch<User>(`/api/users/${admin.id}`, { role: "member" })).status).toBe(200);
    expect((await api.delete(`/api/users/${second.id}`)).status).toBe(409);
  });

  it("viewers read the CRM but cannot change it or see users; members cannot manage users", async () => {
    const roles = {} as Record<"viewer" | "member", string>;
    for (const role of ["viewer", "member"] as const) {
      const email = `${role}@roles.example`;
      await api.post("/api/users", { email, name: role, role, password: PASSWORD });
      roles[role] = (
        await api.as(undefined).post<LoginResult>("/api/auth/login", { email, password: PASSWORD })
      ).body.token;
    }
    const contact = { first_name: "V", last_name: "W", email: "viewer-made@roles.example" };
    expect((await api.as(roles.viewer).get("/api/contacts")).status).toBe(200);
    expect((await api.as(roles.viewer).post("/api/contacts", contact)).status).toBe(403);
    expect((await api.as(roles.viewer).get("/api/users")).status).toBe(403);
    expect((await api.as(roles.member).post("/api/contacts", contact)).status).toBe(201);
    expect((await api.as(roles.member).get("/api/users")).status).toBe(403);
    expect(
      (await api.as(roles.member).post("/api/users", { email: "x@y.co", name: "X", password: PASSWORD }))
        .status,
    ).toBe(403);
  });

  it("demoting several admins at once never leaves none (the guard is serialised)", async () => {
    const solo = await freshApi("users_race");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const admin = await solo.post<User>("/api/users", {
        email: `race${i}@crm.example`,
        name: `R${i}`,
        role: "admin",
        password: PASSWORD,
      });
      ids.push(admin.body.id);
    }
    const results = await Promise.all(ids.map((id) => solo.patch(`/api/users/${id}`, { role: "viewer" })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 409]);
    const admins = await solo.get<{ data: User[] }>("/api/users?role=admin");
    expect(admins.body.data.filter((u) => !u.disabled)).toHaveLength(1);
  });
});
