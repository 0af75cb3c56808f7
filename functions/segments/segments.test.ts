import type { Campaign, Contact, Segment, SegmentPreview } from "@crm/shared/schemas";
import { beforeAll, describe, expect, it } from "vitest";
import { type ErrorBody, freshApi, setCampaignStatus, type TestApi } from "../app/test-client.ts";

let api: TestApi;
const ids: Record<string, string> = {};

beforeAll(async () => {
  api = await freshApi("segments");
  const acme = (
    await api.post<{ id: string }>("/api/companies", { name: "Acme", size: "51-200", industry: "Fintech" })
  ).body;
  const people: Array<[string, Record<string, unknown>]> = [
    ["ada", { first_name: "Ada", status: "customer", tags: ["vip", "fintech"], company: acme.id }],
    ["bob", { first_name: "Bob", status: "lead", tags: ["newsletter"] }],
    ["cy", { first_name: "Cy", status: "lead", tags: [], company: acme.id }],
    ["dee", { first_name: "Dee", status: "investor", tags: ["vip"] }],
  ];
  for (const [key, fields] of people) {
    const contact = await api.post<Contact>("/api/contacts", {
      last_name: "Seg",
      email: `${key}@segments.example`,
      ...fields,
    });
    ids[key] = contact.body.id;
  }
  await api.post("/api/timeline", { contact: ids.bob, type: "meeting", content: "Coffee" });
  await api.post("/api/timeline", {
    contact: ids.dee,
    type: "call",
    content: "Intro",
    timestamp: "2025-01-05T10:00:00Z",
  });
});

const preview = (tree: unknown) => api.post<SegmentPreview & ErrorBody>("/api/segments/preview", { tree });
const names = (body: SegmentPreview) => body.sample.map((c) => c.first_name).sort();

describe("POST /api/segments/preview", () => {
  it("counts and samples the matching contacts for fields, tags, companies, behaviour and boolean logic", async () => {
    const cases: Array<[unknown, string[]]> = [
      [{ field: "status", op: "eq", value: "lead" }, ["Bob", "Cy"]],
      [{ field: "tags", op: "contains", value: "vip" }, ["Ada", "Dee"]],
      [{ field: "tags", op: "is_empty" }, ["Cy"]],
      [{ field: "company.size", op: "eq", value: "51-200" }, ["Ada", "Cy"]],
      [{ field: "company.industry", op: "eq", value: "FINTECH" }, ["Ada", "Cy"]],
      [{ field: "first_name", op: "starts_with", value: "d" }, ["Dee"]],
      [{ field: "activity.meeting", op: "within_last", value: 7 }, ["Bob"]],
      [{ field: "activity.call", op: "older_than", value: 30 }, ["Dee"]],
      [{ field: "activity.call", op: "is_empty" }, ["Ada", "Bob", "Cy"]],
      // Dee's only call is from January 2025: decayed to 0 by now, so only Bob's fresh meeting scores.
      [{ field: "engagement_score", op: "gt", value: 0 }, ["Bob"]],
      [
        {
          and: [
            { field: "status", op: "in", value: ["lead", "customer"] },
            { not: { field: "tags", op: "is_empty" } },
          ],
        },
        ["Ada", "Bob"],
      ],
      [
        {
          or: [
            { field: "first_name", op: "eq", value: "ada" },
            { field: "activity.meeting", op: "is_not_empty" },
          ],
        },
        ["Ada", "Bob"],
      ],
      [{ field: "created_at", op: "within_last", value: 1 }, ["Ada", "Bob", "Cy", "Dee"]],
    ];
    for (const [tree, expected] of cases) {
      const response = await preview(tree);
      expect(response.status, JSON.stringify(tree)).toBe(200);
      expect(response.body.count, JSON.stringify(tree)).toBe(expected.length);
      expect(names(response.body), JSON.stringify(tree)).toEqual(expected);
    }
  });

  it("422 pointing at the path in the tree for unknown fields and operators that do not fit", async () => {
    const cases: Array<[unknown, string]> = [
      [{ field: "favourite_colour", op: "eq", value: "teal" }, "tree"],
      [
        {
          and: [
            { field: "status", op: "eq", value: "lead" },
            { field: "tags", op: "gt", value: 3 },
          ],
        },
        "tree.and.1",
      ],
      [{ or: [{ not: { field: "engagement_score", op: "contains", value: "x" } }] }, "tree.or.0.not"],
      [{ field: "status", op: "eq", value: "emperor" }, "tree"],
      [{ field: "event.rsvp_status", op: "eq", value: "registered" }, "tree"],
      [{ and: [] }, "tree.and"],
    ];
    for (const [tree, path] of cases) {
      const response = await preview(tree);
      expect(response.status, JSON.stringify(tree)).toBe(422);
      const fields = (response.body.error.details as Array<{ field: string }>).map((d) => d.field);
      expect(
        fields.some((field) => field.startsWith(path)),
        `${JSON.stringify(tree)} → ${fields}`,
      ).toBe(true);
    }
  });

  it("previews a saved segment by id; 404 for an unknown one; 422 for both or neither", async () => {
    const saved = await api.post<Segment>("/api/segments", {
      name: "VIPs",
      tree: { field: "tags", op: "contains", value: "vip" },
    });
    const response = await api.post<SegmentPreview>("/api/segments/preview", { segment: saved.body.id });
    expect(response.body.count).toBe(2);
    expect((await api.post("/api/segments/preview", { segment: "nosuch" })).status).toBe(404);
    expect((await api.post("/api/segments/preview", {})).status).toBe(422);
    expect(
      (
        await api.post("/api/segments/preview", {
          segment: saved.body.id,
          tree: { field: "tags", op: "is_empty" },
        })
      ).status,
    ).toBe(422);
  });
});

describe("saved segments", () => {
  it("CRUD: create, list, get, update (tree re-validated), delete", async () => {
    const created = await api.post<Segment>("/api/segments", {
      name: "Leads",
      description: "Everyone still to convert",
      tree: { field: "status", op: "eq", value: "lead" },
    });
    expect(created.status).toBe(201);
    expect(created.body.tree).toEqual({ field: "status", op: "eq", value: "lead" });
    const listed = await api.get<{ data: Segment[] }>("/api/segments?search=lead");
    expect(listed.body.data.map((s) => s.name)).toContain("Leads");
    const bad = await api.patch<ErrorBody>(`/api/segments/${created.body.id}`, {
      tree: { field: "nope", op: "eq", value: 1 },
    });
    expect(bad.status).toBe(422);
    const updated = await api.patch<Segment>(`/api/segments/${created.body.id}`, {
      description: null,
      name: "Open leads",
    });
    expect(updated.body).toMatchObject({ name: "Open leads", description: null });
    expect((await api.delete(`/api/segments/${created.body.id}`)).status).toBe(204);
    expect((await api.get(`/api/segments/${created.body.id}`)).status).toBe(404);
  });

  it("a campaign references a saved segment; deleting it is refused while a scheduled campaign needs it", async () => {
    const saved = (
      await api.post<Segment>("/api/segments", {
        name: "Customers",
        tree: { field: "status", op: "eq", value: "customer" },
      })
    ).body;
    const campaign = (
      await api.post<Campaign>("/api/campaigns", {
        name: "Upsell",
        objective: "lead_gen",
        channels: ["email"],
        segment: saved.id,
      })
    ).body;
    expect(campaign.segment).toBe(saved.id);
    await api.post(`/api/campaigns/${campaign.id}/assets`);
    const scheduled = await api.patch<Campaign>(`/api/campaigns/${campaign.id}`, {
      status: "scheduled",
      scheduled_at: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(scheduled.status).toBe(200);
    const refused = await api.delete<ErrorBody>(`/api/segments/${saved.id}`);
    expect(refused.status).toBe(409);
    // Renaming is always fine; the tree is the audience of a running campaign.
    expect((await api.patch(`/api/segments/${saved.id}`, { name: "Customers (all)" })).status).toBe(200);
    await setCampaignStatus(api, campaign.id, "running");
    const retargeted = await api.patch<ErrorBody>(`/api/segments/${saved.id}`, {
      tree: { field: "status", op: "eq", value: "lead" },
    });
    expect(retargeted.status).toBe(409);
    expect(retargeted.body.error.details).toEqual({ field: "tree" });
    expect((await api.get<Segment>(`/api/segments/${saved.id}`)).body.tree).toEqual({
      field: "status",
      op: "eq",
      value: "customer",
    });
    await setCampaignStatus(api, campaign.id, "completed");
    expect((await api.delete<ErrorBody>(`/api/segments/${saved.id}`)).status).toBe(409);
    await setCampaignStatus(api, campaign.id, "scheduled");
    await api.patch(`/api/campaigns/${campaign.id}`, { status: "draft" });
    expect((await api.delete(`/api/segments/${saved.id}`)).status).toBe(204);
    expect((await api.get<Campaign>(`/api/campaigns/${campaign.id}`)).body.segment).toBeNull();
  });
});
