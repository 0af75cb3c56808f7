import type { Company, CompanyPage, Contact, ContactPage, TimelineEntry } from "@crm/shared/schemas";
import { beforeAll, describe, expect, it } from "vitest";
import { type ErrorBody, freshApi, type TestApi } from "../app/test-client.ts";

let api: TestApi;
beforeAll(async () => {
  api = await freshApi("companies_api");
});

describe("companies CRUD", () => {
  it("POST creates (201) with the domain normalised; GET returns it", async () => {
    const created = await api.post<Company>("/api/companies", {
      name: "Acme Corp",
      domain: "https://www.ACME.io/",
      industry: "Manufacturing",
      size: "51-200",
      tags: ["Target"],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "Acme Corp",
      domain: "acme.io",
      size: "51-200",
      tags: ["target"],
    });
    const fetched = await api.get<Company>(`/api/companies/${created.body.id}`);
    expect(fetched.body).toEqual(created.body);
  });

  it("409 for a domain already taken; 422 for invalid fields, unknown fields and server-owned fields", async () => {
    await api.post("/api/companies", { name: "Dup", domain: "dup.com" });
    const dup = await api.post<ErrorBody>("/api/companies", { name: "Dup 2", domain: "DUP.com" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.details).toEqual([{ field: "domain", message: "is already in use" }]);

    const invalid = await api.post<ErrorBody>("/api/companies", { name: "", domain: "nodot", size: "huge" });
    expect(invalid.status).toBe(422);
    expect((invalid.body.error.details ?? []).map((d) => d.field).sort()).toEqual(["domain", "name", "size"]);

    for (const industry of ["x\u0085", "Fin\u0000tech"]) {
      const control = await api.post<ErrorBody>("/api/companies", { name: "Ctrl", industry });
      expect(control.status).toBe(422);
      expect((control.body.error.details ?? []).map((d) => d.field)).toEqual(["industry"]);
    }

    const owned = await api.post<ErrorBody>("/api/companies", {
      name: "X",
      id: "custom",
      created_at: "2020-01-01T00:00:00Z",
    });
    expect(owned.status).toBe(422);
    expect((owned.body.error.details ?? []).map((d) => d.field).sort()).toEqual(["created_at", "id"]);
  });

  it("PATCH updates and clears; 404 unknown; 409 duplicate domain", async () => {
    const created = await api.post<Company>("/api/companies", {
      name: "Patchy",
      domain: "patchy.com",
      industry: "Retail",
    });
    const patched = await api.patch<Company>(`/api/companies/${created.body.id}`, {
      industry: null,
      name: "Patchy Ltd",
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: "Patchy Ltd", industry: null, domain: "patchy.com" });
    expect((await api.patch(`/api/companies/nosuch`, { name: "X" })).status).toBe(404);
    await api.post("/api/companies", { name: "Other", domain: "other.com" });
    expect((await api.patch(`/api/companies/${created.body.id}`, { domain: "other.com" })).status).toBe(409);
    expect((await api.patch(`/api/companies/${created.body.id}`, {})).status).toBe(422);
  });

  it("GET lists with filters, sort and pagination", async () => {
    for (const name of ["Kappa", "Lambda", "Mu"]) {
      await api.post("/api/companies", {
        name: `${name} Fintech`,
        industry: "Fintech",
        size: "1-10",
        tags: ["greek"],
      });
    }
    const page1 = await api.get<CompanyPage>("/api/companies?tag=greek&limit=2");
    expect(page1.body.data.map((c) => c.name)).toEqual(["Kappa Fintech", "Lambda Fintech"]);
    const page2 = await api.get<CompanyPage>(
      `/api/companies?tag=greek&limit=2&cursor=${encodeURIComponent(page1.body.nextCursor ?? "")}`,
    );
    expect(page2.body.data.map((c) => c.name)).toEqual(["Mu Fintech"]);
    expect(page2.body.nextCursor).toBeNull();
    const desc = await api.get<CompanyPage>("/api/companies?industry=fintech&sort=-name");
    expect(desc.body.data.map((c) => c.name)).toEqual(["Mu Fintech", "Lambda Fintech", "Kappa Fintech"]);
    const search = await api.get<CompanyPage>("/api/companies?search=lambda");
    expect(search.body.data.map((c) => c.name)).toEqual(["Lambda Fintech"]);
    expect((await api.get("/api/companies?size=huge")).status).toBe(422);
    expect((await api.get("/api/companies?sort=domain")).status).toBe(422);
  });

  it("GET /api/companies/{id}/contacts lists the company's contacts; 404 for an unknown company", async () => {
    const company = await api.post<Company>("/api/companies", { name: "Staffed" });
    for (const first of ["Ann", "Ben"]) {
      await api.post("/api/contacts", {
        first_name: first,
        last_name: "Staff",
        email: `${first}@staffed.example`,
        company: company.body.id,
      });
    }
    await api.post("/api/contacts", { first_name: "Cat", last_name: "Free", email: "cat@free.example" });
    const staff = await api.get<ContactPage>(`/api/companies/${company.body.id}/contacts?sort=first_name`);
    expect(staff.status).toBe(200);
    expect(staff.body.data.map((c) => c.first_name)).toEqual(["Ann", "Ben"]);
    const filtered = await api.get<ContactPage>(`/api/companies/${company.body.id}/contacts?search=ben`);
    expect(filtered.body.data.map((c) => c.first_name)).toEqual(["Ben"]);
    expect((await api.get("/api/companies/nosuch/contacts")).status).toBe(404);
  });

  it("DELETE removes the company and unlinks its contacts and their timeline entries", async () => {
    const company = await api.post<Company>("/api/companies", { name: "Doomed" });
    const contact = await api.post<Contact>("/api/contacts", {
      first_name: "Dee",
      last_name: "Doomed",
      email: "dee@doomed.example",
      company: company.body.id,
    });
    const entry = await api.post<TimelineEntry>("/api/timeline", {
      contact: contact.body.id,
      type: "call",
      content: "Hi",
    });
    expect(entry.body.company).toBe(company.body.id);

    expect((await api.delete(`/api/companies/${company.body.id}`)).status).toBe(204);
    expect((await api.get(`/api/companies/${company.body.id}`)).status).toBe(404);
    expect((await api.get<Contact>(`/api/contacts/${contact.body.id}`)).body.company).toBeNull();
    expect((await api.get<TimelineEntry>(`/api/timeline/${entry.body.id}`)).body.company).toBeNull();
    expect((await api.delete(`/api/companies/${company.body.id}`)).status).toBe(404);
  });
});
