import { env } from "cloudflare:test";
import { createRepositories } from "@crm/shared/db";
import type {
  AssetPreview,
  BrandSettings,
  Campaign,
  CampaignAsset,
  Contact,
  LoginResult,
} from "@crm/shared/schemas";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ErrorBody,
  freshApi,
  setCampaignStatus,
  type TestApi,
  withDatabase,
} from "../app/test-client.ts";

let api: TestApi;
beforeAll(async () => {
  api = await freshApi("campaigns");
  await api.patch("/api/settings", {
    brand_name: "Northwind Labs",
    voice: "friendly, concrete",
    postal_address: "1 Market St, <Springfield>",
    default_sender_name: "Northwind",
  });
});

const AUDIENCE = { field: "status", op: "eq", value: "lead" };
const future = (days = 7) => new Date(Date.now() + days * 86_400_000).toISOString();
const newCampaign = (fields: Record<string, unknown> = {}) =>
  api.post<Campaign>("/api/campaigns", {
    name: "Spring launch",
    objective: "lead_gen",
    channels: ["email", "social"],
    prompt: "Launch of our invoice automation beta for agencies",
    ...fields,
  });

const setStatus = (id: string, status: string) => setCampaignStatus(api, id, status);

describe("campaign CRUD", () => {
  it("creates drafts, lists with filters, gets, updates and deletes drafts", async () => {
    const created = await newCampaign({ channels: ["email", "email", "social"] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: "draft",
      channels: ["email", "social"],
      segment: null,
      segment_tree: null,
    });
    await newCampaign({ name: "Investor update", objective: "investor", channels: ["email"] });
    const investor = await api.get<{ data: Campaign[] }>("/api/campaigns?objective=investor");
    expect(investor.body.data.map((c) => c.name)).toEqual(["Investor update"]);
    const social = await api.get<{ data: Campaign[] }>("/api/campaigns?channel=social");
    expect(social.body.data.map((c) => c.id)).toContain(created.body.id);
    expect(
      (await api.get<{ data: Campaign[] }>("/api/campaigns?status=draft")).body.data.length,
    ).toBeGreaterThanOrEqual(2);
    expect((await api.get<Campaign>(`/api/campaigns/${created.body.id}`)).body).toEqual(created.body);
    const renamed = await api.patch<Campaign>(`/api/campaigns/${created.body.id}`, {
      name: "Spring launch v2",
      segment_tree: AUDIENCE,
    });
    expect(renamed.body).toMatchObject({ name: "Spring launch v2", segment_tree: AUDIENCE });
    expect((await api.delete(`/api/campaigns/${created.body.id}`)).status).toBe(204);
    expect((await api.get(`/api/campaigns/${created.body.id}`)).status).toBe(404);
  });

  it("422 for bad input, naming the field; unknown segment or event; server-owned fields", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ objective: "world_domination" }, "objective"],
      [{ channels: [] }, "channels"],
      [{ channels: ["fax"] }, "channels.0"],
      [{ segment: "abc", segment_tree: AUDIENCE }, "segment_tree"],
      [{ segment_tree: { field: "favourite_colour", op: "eq", value: "teal" } }, "segment_tree"],
      [{ scheduled_at: "tomorrow" }, "scheduled_at"],
      [{ status: "running" }, "status"],
      [{ segment: "nosuchsegment" }, "segment"],
      [{ event: "nosuchevent" }, "event"],
    ];
    for (const [fields, field] of cases) {
      const response = await newCampaign(fields);
      expect(response.status, field).toBe(422);
      const details = (response.body as unknown as ErrorBody).error.details as Array<{ field: string }>;
      expect(
        details.some((d) => d.field.startsWith(field)),
        `${field}: ${JSON.stringify(details)}`,
      ).toBe(true);
    }
  });
});

describe("campaign status machine", () => {
  it("schedules only with a future time, an audience and an asset per channel (409 listing what is missing)", async () => {
    const { id } = (await newCampaign()).body;
    const early = await api.patch<ErrorBody>(`/api/campaigns/${id}`, { status: "scheduled" });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toBe(
      "cannot schedule yet: set scheduled_at; choose a segment (a saved one or an inline tree); generate or write the email, social_post asset(s)",
    );

    const drafted = await api.post<{ data: CampaignAsset[] }>(`/api/campaigns/${id}/assets`);
    expect(drafted.status).toBe(201);
    expect(drafted.body.data.map((a) => a.type).sort()).toEqual(["email", "social_post"]);
    const scheduled = await api.patch<Campaign>(`/api/campaigns/${id}`, {
      status: "scheduled",
      scheduled_at: future(),
      segment_tree: AUDIENCE,
    });
    expect(scheduled.status).toBe(200);
    expect(scheduled.body.status).toBe("scheduled");

    // Staying scheduled, an edit may not take away what scheduling required.
    for (const change of [
      { channels: ["email", "social", "landing_page"] },
      { segment_tree: null },
      { scheduled_at: null },
      { scheduled_at: "2020-01-01T00:00:00Z" },
    ]) {
      const broken = await api.patch<ErrorBody>(`/api/campaigns/${id}`, change);
      expect(broken.status, JSON.stringify(change)).toBe(409);
      expect(broken.body.error.message).toMatch(/^a scheduled campaign must stay ready: /);
    }
    expect((await api.get<Campaign>(`/api/campaigns/${id}`)).body.segment_tree).toEqual(AUDIENCE);
    const moved = await api.patch<Campaign>(`/api/campaigns/${id}`, { scheduled_at: future() });
    expect(moved.status).toBe(200);

    const past = await api.patch<ErrorBody>(`/api/campaigns/${id}`, {
      scheduled_at: "2020-01-01T00:00:00Z",
      status: "draft",
    });
    expect(past.status).toBe(200);
    expect(
      (await api.patch<ErrorBody>(`/api/campaigns/${id}`, { status: "scheduled" })).body.error.message,
    ).toContain("scheduled_at must be in the future");
  });

  it("refuses moves the machine does not allow, and moves only execution makes", async () => {
    const { id } = (await newCampaign()).body;
    const paused = await api.patch<ErrorBody>(`/api/campaigns/${id}`, { status: "paused" });
    expect(paused.status).toBe(409);
    expect(paused.body.error.message).toBe("a draft campaign cannot become paused");
    const running = await api.patch<ErrorBody>(`/api/campaigns/${id}`, { status: "running" });
    expect(running.status).toBe(409);
    await setStatus(id, "scheduled");
    const start = await api.patch<ErrorBody>(`/api/campaigns/${id}`, { status: "running" });
    expect(start.body.error.message).toBe(
      "a campaign becomes running when it is executed, not by editing it",
    );
  });

  it("freezes audience and content of a running campaign; pause, resume, cancel; only drafts are deleted", async () => {
    const { id } = (await newCampaign({ channels: ["email"] })).body;
    const [email] = (await api.post<{ data: CampaignAsset[] }>(`/api/campaigns/${id}/assets`)).body.data;
    await setStatus(id, "running");
    for (const change of [{ prompt: "new angle" }, { segment_tree: AUDIENCE }, { channels: ["social"] }]) {
      const response = await api.patch<ErrorBody>(`/api/campaigns/${id}`, change);
      expect(response.status).toBe(409);
      expect(response.body.error.message).toMatch(/a running campaign's .* cannot change/);
    }
    expect(
      (await api.patch<Campaign>(`/api/campaigns/${id}`, { name: "Renamed while running" })).status,
    ).toBe(200);
    expect((await api.post(`/api/campaigns/${id}/assets`)).status).toBe(409);
    expect(
      (await api.patch(`/api/campaigns/${id}/assets/${email?.id}`, { content: { subject: "x" } })).status,
    ).toBe(409);
    expect((await api.post(`/api/campaigns/${id}/assets/${email?.id}/regenerate`)).status).toBe(409);
    const runningDelete = await api.delete<ErrorBody>(`/api/campaigns/${id}`);
    expect(runningDelete.status).toBe(409);
    expect(runningDelete.body.error.message).toMatch(/cancel a running one instead/);

    expect((await api.patch<Campaign>(`/api/campaigns/${id}`, { status: "paused" })).body.status).toBe(
      "paused",
    );
    expect((await api.patch<Campaign>(`/api/campaigns/${id}`, { status: "running" })).body.status).toBe(
      "running",
    );
    expect((await api.patch<Campaign>(`/api/campaigns/${id}`, { status: "cancelled" })).body.status).toBe(
      "cancelled",
    );
    expect((await api.patch<ErrorBody>(`/api/campaigns/${id}`, { status: "draft" })).status).toBe(409);
    const cancelledDelete = await api.delete<ErrorBody>(`/api/campaigns/${id}`);
    expect(cancelledDelete.status).toBe(409);
    expect(cancelledDelete.body.error.message).toBe(
      "only draft campaigns can be deleted; a cancelled campaign is kept as history",
    );
  });
});

describe("content frozen mid-request", () => {
  it("an asset write re-checks the campaign inside its transaction (a slow generation cannot land on a running campaign)", async () => {
    const { id } = (await newCampaign({ channels: ["email"] })).body;
    const [email] = (await api.post<{ data: CampaignAsset[] }>(`/api/campaigns/${id}/assets`)).body.data;
    const before = (await api.get<CampaignAsset>(`/api/campaigns/${id}/assets/${email?.id}`)).body;
    // The repository is driven directly, as the handler is after its own (earlier) status check.
    await setStatus(id, "running");
    await withDatabase(api, async (db) => {
      const repos = createRepositories(db);
      await expect(
        repos.assets.saveEdit(id, email?.id ?? "", { ...before.content, subject: "late edit" }),
      ).rejects.toMatchObject({ code: "conflict" });
      await expect(repos.assets.store(id, "email", before.content, before.metadata)).rejects.toMatchObject({
        code: "conflict",
      });
    });
    const after = (await api.get<CampaignAsset>(`/api/campaigns/${id}/assets/${email?.id}`)).body;
    expect(after.content).toEqual(before.content);
    expect(after.edited).toBe(false);
  });
});

describe("campaign assets", () => {
  it("drafts all four asset types offline with the template provider, from the campaign and the brand", async () => {
    const { id } = (
      await newCampaign({
        channels: ["email", "social", "landing_page", "event"],
        objective: "early_adopters",
      })
    ).body;
    const drafted = await api.post<{ data: CampaignAsset[] }>(`/api/campaigns/${id}/assets`, {
      prompt: "mention the 14-day trial",
    });
    expect(drafted.status).toBe(201);
    const byType = Object.fromEntries(drafted.body.data.map((asset) => [asset.type, asset]));
    expect(Object.keys(byType).sort()).toEqual(["email", "event_invite", "landing_page", "social_post"]);
    for (const asset of drafted.body.data) {
      expect(asset.metadata).toMatchObject({ provider: "template", fallback_reason: null });
      expect(asset.edited).toBe(false);
      expect(JSON.stringify(asset.content)).toContain("Northwind Labs");
    }
    const email = byType.email?.content as { subject: string; html_body: string; text_body: string };
    expect(email.html_body).toContain("1 Market St, &lt;Springfield&gt;");
    expect(email.text_body).toContain("1 Market St, <Springfield>");
    const social = byType.social_post?.content as {
      posts: Array<{ platform: string; character_count: number; limit: number }>;
    };
    for (const post of social.posts) expect(post.character_count).toBeLessThanOrEqual(post.limit);

    const listed = await api.get<{ data: CampaignAsset[] }>(`/api/campaigns/${id}/assets`);
    expect(listed.body.data).toHaveLength(4);
  });

  it("edits an asset (validated by its type's schema, derived fields recomputed), regenerates, previews", async () => {
    const { id } = (await newCampaign({ channels: ["email"] })).body;
    const [email] = (await api.post<{ data: CampaignAsset[] }>(`/api/campaigns/${id}/assets`)).body.data;
    const original = email?.content as Record<string, unknown>;
    const edited = await api.patch<CampaignAsset>(`/api/campaigns/${id}/assets/${email?.id}`, {
      content: {
        ...original,
        html_body: undefined,
        text_body: undefined,
        subject: "Hi {{first_name}}, quick question",
      },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.edited).toBe(true);
    expect((edited.body.content as { subject: string }).subject).toBe("Hi {{first_name}}, quick question");

    const invalid = await api.patch<ErrorBody>(`/api/campaigns/${id}/assets/${email?.id}`, {
      content: { subject: 42 },
    });
    expect(invalid.status).toBe(422);
    const fields = (invalid.body.error.details as Array<{ field: string }>).map((d) => d.field);
    expect(fields).toContain("content.subject");

    const contact = (
      await api.post<Contact>("/api/contacts", {
        first_name: "<script>x</script>",
        last_name: "Doe",
        email: "jane@preview.example",
      })
    ).body;
    const preview = await api.get<AssetPreview>(
      `/api/campaigns/${id}/assets/${email?.id}/preview?contact=${contact.id}`,
    );
    expect(preview.status).toBe(200);
    const rendered = preview.body.content as { subject: string; html_body: string; text_body: string };
    expect(rendered.subject).toBe("Hi <script>x</script>, quick question");
    expect(rendered.html_body).not.toContain("<script>x</script>");
    expect(rendered.html_body).toContain("&lt;script&gt;");
    expect(preview.body.unknown_tags).toEqual([]);
    expect((await api.get(`/api/campaigns/${id}/assets/${email?.id}/preview?contact=nosuch`)).status).toBe(
      422,
    );

    const regenerated = await api.post<CampaignAsset>(
      `/api/campaigns/${id}/assets/${email?.id}/regenerate`,
      {},
    );
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.edited).toBe(false);
    expect(regenerated.body.id).toBe(email?.id);
  });

  it("an asset is only reachable under its own campaign", async () => {
    const a = (await newCampaign({ channels: ["email"] })).body;
    const b = (await newCampaign({ channels: ["email"] })).body;
    const [asset] = (await api.post<{ data: CampaignAsset[] }>(`/api/campaigns/${a.id}/assets`)).body.data;
    expect((await api.get(`/api/campaigns/${b.id}/assets/${asset?.id}`)).status).toBe(404);
    expect((await api.get(`/api/campaigns/nosuch/assets`)).status).toBe(404);
  });

  it("uses the configured OpenAI-compatible model through @ai-sdk/openai, and falls back when it fails", async () => {
    const openai = await freshApi("campaigns_openai", {
      AI_PROVIDER: "openai",
      OPENAI_API_KEY: "sk-test-fake-openai-key",
      OPENAI_BASE_URL: env.TEST_FAKE_OPENAI_URL,
      OPENAI_MODEL: "gpt-test",
      AI_MAX_RETRIES: "0",
    });
    const { id } = (
      await openai.post<Campaign>("/api/campaigns", {
        name: "Model",
        objective: "awareness",
        channels: ["email", "social"],
      })
    ).body;
    const drafted = await openai.post<{ data: CampaignAsset[] }>(`/api/campaigns/${id}/assets`);
    const byType = Object.fromEntries(drafted.body.data.map((asset) => [asset.type, asset]));
    expect(byType.email?.metadata).toMatchObject({
      provider: "openai",
      model: "gpt-test",
      fallback_reason: null,
    });
    const email = byType.email as CampaignAsset;
    expect((email.content as { subject: string }).subject).toBe("Fake model: your invitation inside");
    // The fake answers 500 for any other schema: the template steps in and says why.
    expect(byType.social_post?.metadata.provider).toBe("template");
    expect(byType.social_post?.metadata.fallback_reason).toMatch(/500|server/i);
    const requests = (await (
      await fetch(`${env.TEST_FAKE_OPENAI_URL.replace(/\/v1$/, "")}/__requests`)
    ).json()) as Array<{
      authorization: string;
      body: { model: string };
    }>;
    expect(
      requests.some(
        (r) => r.authorization === "Bearer sk-test-fake-openai-key" && r.body.model === "gpt-test",
      ),
    ).toBe(true);
  });
});

describe("settings", () => {
  it("GET returns defaults before anything is saved; PATCH is for admins; bad values are 422", async () => {
    const fresh = await freshApi("settings");
    const defaults = await fresh.get<BrandSettings>("/api/settings");
    expect(defaults.body).toMatchObject({ brand_name: "Our team", updated_at: null });
    const saved = await fresh.patch<BrandSettings>("/api/settings", {
      brand_name: "Acme",
      website_url: "https://acme.example",
    });
    expect(saved.body).toMatchObject({ brand_name: "Acme", website_url: "https://acme.example" });
    expect(saved.body.updated_at).not.toBeNull();
    const cleared = await fresh.patch<BrandSettings>("/api/settings", { website_url: null });
    expect(cleared.body.website_url).toBeNull();
    expect((await fresh.patch("/api/settings", { website_url: "javascript:alert(1)" })).status).toBe(422);
    expect((await fresh.patch("/api/settings", { brand_name: "" })).status).toBe(422);
    await fresh.post("/api/users", {
      email: "member@set.example",
      name: "M",
      role: "member",
      password: "a long enough password",
    });
    const member = await fresh.as(undefined).post<LoginResult>("/api/auth/login", {
      email: "member@set.example",
      password: "a long enough password",
    });
    expect((await fresh.as(member.body.token).get("/api/settings")).status).toBe(200);
    expect((await fresh.as(member.body.token).patch("/api/settings", { brand_name: "Mine" })).status).toBe(
      403,
    );
  });
});

describe("contact summary", () => {
  it("summarises the real timeline with a next best action (template provider offline)", async () => {
    const contact = (
      await api.post<Contact>("/api/contacts", {
        first_name: "Sam",
        last_name: "Sum",
        email: "sam@summary.example",
      })
    ).body;
    await api.post("/api/timeline", { contact: contact.id, type: "meeting", content: "Demo of the beta" });
    await api.post("/api/timeline", {
      contact: contact.id,
      type: "note",
      content: "Wants pricing for 12 seats",
    });
    const response = await api.get<{
      summary: { summary: string; next_best_action: { action: string } };
      metadata: { provider: string };
    }>(`/api/contacts/${contact.id}/summary`);
    expect(response.status).toBe(200);
    expect(response.body.metadata.provider).toBe("template");
    expect(response.body.summary.summary).toContain("Sam");
    expect(response.body.summary.next_best_action.action.length).toBeGreaterThan(5);
    expect((await api.get("/api/contacts/nosuch/summary")).status).toBe(404);
  });
});
