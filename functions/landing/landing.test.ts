import { env } from "cloudflare:test";
import { TokenSigner, TURNSTILE_TEST_KEYS } from "@crm/shared/delivery";
import type { Consent, Contact, LandingPage, OutboxMessage, TimelineEntry } from "@crm/shared/schemas";
import { beforeAll, describe, expect, it } from "vitest";
import { runCampaigns } from "../app/scheduled.ts";
import { type ErrorBody, freshApi, TEST_BRAND, type TestApi, withDatabase } from "../app/test-client.ts";
import { CapturedQueue } from "../app/test-queue.ts";
import { consentHash } from "./page-cache.ts";

/**
 * Landing pages end to end in workerd: the management API, the public page (cache, ETag, views, 404),
 * and the form (valid, invalid with values kept, a known email in another case, honeypot, too fast,
 * rate limit, Turnstile, JSON, double opt-in).
 */

let api: TestApi;
const queue = new CapturedQueue();
const signer = new TokenSigner(env.CRM_TRACKING_SECRET);
const unique = () => crypto.randomUUID().slice(0, 8);

beforeAll(async () => {
  api = await freshApi("landing", { DELIVERY_QUEUE: queue });
  await api.patch("/api/settings", TEST_BRAND);
});

async function generated(fields: Record<string, unknown> = {}): Promise<LandingPage> {
  const response = await api.post<LandingPage>("/api/landing-pages/generate", {
    prompt: "A waitlist for offline-first field notes, synced when back online",
    ...fields,
  });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

async function published(fields: Record<string, unknown> = {}, on: TestApi = api): Promise<LandingPage> {
  const page = on === api ? await generated(fields) : await generatedOn(on, fields);
  const response = await on.post<LandingPage>(`/api/landing-pages/${page.id}/publish`);
  expect(response.status).toBe(200);
  return response.body;
}

async function generatedOn(on: TestApi, fields: Record<string, unknown>): Promise<LandingPage> {
  const response = await on.post<LandingPage>("/api/landing-pages/generate", {
    prompt: "A waitlist",
    ...fields,
  });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

/** A timing token as the page would have rendered it `ageMs` ago (with the consent wording shown). */
const startedAgo = async (page: LandingPage, ageMs = 10_000) =>
  signer.sign({
    kind: "form",
    page: page.id,
    at: Date.now() - ageMs,
    consent: await consentHash(page.settings.consent_text),
  });

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** Plausible answers for the form's required fields a test does not care about. */
function requiredDefaults(page: LandingPage): Record<string, string> {
  const form = page.content.blocks.find((block) => block.type === "form");
  const values: Record<string, string> = {};
  for (const field of form?.type === "form" ? form.fields : []) {
    if (!field.required) continue;
    if (field.type === "select") values[field.name] = field.options?.[0] ?? "";
    else if (field.type === "tel") values[field.name] = "+1 555 0100";
    else values[field.name] = field.name === "first_name" ? "Alex" : "Acme";
  }
  return values;
}

async function submit(
  page: LandingPage,
  fields: Record<string, string>,
  options: { on?: TestApi; headers?: Record<string, string>; started?: string } = {},
) {
  const on = options.on ?? api;
  const started = options.started ?? (await startedAgo(page));
  const body = form({ ...requiredDefaults(page), _t: started, _website: "", ...fields });
  return on.as(undefined).post(`/lp/${page.id}/submit`, body, { ...FORM, ...options.headers });
}

async function contactByEmail(email: string, on: TestApi = api): Promise<Contact | undefined> {
  const response = await on.get<{ data: Contact[] }>(`/api/contacts?search=${encodeURIComponent(email)}`);
  return response.body.data.find((contact) => contact.email === email.toLowerCase());
}

const viewRows = (page: string) =>
  withDatabase(api, async (db) => {
    const [rows] = await db.query<[Array<Record<string, unknown>>]>(
      "SELECT utm_source, utm_campaign, referrer FROM landing_page_view WHERE page = type::record('landing_page', $page)",
      { page },
    );
    return rows;
  });

describe("management API", () => {
  it("generates a draft from a prompt: blocks, default settings, a slug from the headline", async () => {
    const page = await generated();
    expect(page.status).toBe("draft");
    expect(page.content.blocks.map((block) => block.type)).toEqual([
      "hero",
      "features",
      "social_proof",
      "faq",
      "form",
      "footer",
    ]);
    expect(page.slug).toMatch(/^[a-z0-9-]+$/);
    expect(page.url).toBe(`https://crm.test/lp/${page.slug}`);
    expect(page.settings.consent_text).toContain(TEST_BRAND.brand_name);
    expect(page.settings.tag).toBe(`lp-${page.slug}`.slice(0, 50).replace(/-+$/, ""));
    expect(page.metadata?.provider).toBe("template");
    expect(page.metadata?.prompt).toBe("A waitlist for offline-first field notes, synced when back online");
    // What the page is for steers the copy: a waitlist (early adopters) asks for no demo.
    const waitlist = await generated({ objective: "early_adopters", slug: `waitlist-${unique()}` });
    const hero = waitlist.content.blocks[0];
    expect(hero?.type === "hero" && hero.cta_label).not.toMatch(/demo/i);
    expect(JSON.stringify(waitlist.content)).not.toEqual(JSON.stringify(page.content));
    // A second page from the same prompt gets the next free slug.
    const again = await generated();
    expect(again.slug).toBe(`${page.slug}-2`);
  });

  it("writes for a campaign when given one, and refuses an unknown campaign (422 naming the field)", async () => {
    const campaign = await api.post<{ id: string }>("/api/campaigns", {
      name: `Spring launch ${unique()}`,
      objective: "lead_gen",
      channels: ["landing_page"],
    });
    expect(campaign.status).toBe(201);
    const page = await generated({ campaign_id: campaign.body.id, slug: `spring-${unique()}` });
    expect(page.campaign).toBe(campaign.body.id);
    const listed = await api.get<{ data: LandingPage[] }>(`/api/landing-pages?campaign=${campaign.body.id}`);
    expect(listed.body.data.map((row) => row.id)).toEqual([page.id]);
    const unknown = await api.post<ErrorBody>("/api/landing-pages/generate", {
      prompt: "x",
      campaign_id: "nope",
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details?.[0]?.field).toBe("campaign_id");
  });

  it("keeps slugs unique: an explicit slug in use is 409, by generate and by PATCH", async () => {
    const slug = `taken-${unique()}`;
    await generated({ slug });
    const twice = await api.post<ErrorBody>("/api/landing-pages/generate", { prompt: "again", slug });
    expect(twice.status).toBe(409);
    expect(twice.body.error.details?.[0]?.field).toBe("slug");
    const other = await generated();
    const renamed = await api.patch<ErrorBody>(`/api/landing-pages/${other.id}`, { slug });
    expect(renamed.status).toBe(409);
    const bad = await api.patch<ErrorBody>(`/api/landing-pages/${other.id}`, { slug: "Not a slug!" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details?.[0]?.field).toBe("slug");
  });

  it("validates edits with the shared schemas and writes nothing on a refusal", async () => {
    const page = await generated();
    const noForm = await api.patch<ErrorBody>(`/api/landing-pages/${page.id}`, {
      content: { blocks: page.content.blocks.filter((block) => block.type !== "form") },
    });
    expect(noForm.status).toBe(422);
    const badRedirect = await api.patch<ErrorBody>(`/api/landing-pages/${page.id}`, {
      title: "Changed",
      settings: { redirect_url: "javascript:alert(1)" },
    });
    expect(badRedirect.status).toBe(422);
    expect(badRedirect.body.error.details?.[0]?.field).toMatch(/redirect_url/);
    const unchanged = await api.get<LandingPage>(`/api/landing-pages/${page.id}`);
    expect(unchanged.body.title).toBe(page.title);
    expect(unchanged.body.version).toBe(page.version);
  });

  it("refuses form fields that cannot fill the contact field they are named after, and reserved names", async () => {
    const page = await generated();
    const withField = (field: Record<string, unknown>) => ({
      content: {
        blocks: page.content.blocks.map((block) =>
          block.type === "form" ? { ...block, fields: [...block.fields, field] } : block,
        ),
      },
    });
    const phoneAsText = await api.patch<ErrorBody>(
      `/api/landing-pages/${page.id}`,
      withField({ name: "phone", label: "Phone", type: "text", required: false, options: null }),
    );
    expect(phoneAsText.status).toBe(422);
    expect(phoneAsText.body.error.message + JSON.stringify(phoneAsText.body.error.details)).toContain(
      "a field named phone must be of type tel",
    );
    const reserved = await api.patch<ErrorBody>(
      `/api/landing-pages/${page.id}`,
      withField({ name: "constructor", label: "C", type: "text", required: false, options: null }),
    );
    expect(reserved.status).toBe(422);
    const optInWithoutCheckbox = await api.patch<ErrorBody>(`/api/landing-pages/${page.id}`, {
      settings: { consent_text: null, double_opt_in: true },
    });
    expect(optInWithoutCheckbox.status).toBe(422);
    expect(optInWithoutCheckbox.body.error.details?.[0]?.field).toBe("settings.double_opt_in");
  });

  it("creates a page from hand-written blocks, lists, deletes", async () => {
    const source = await generated();
    const made = await api.post<LandingPage>("/api/landing-pages", {
      title: "Hand made",
      content: source.content,
      settings: { consent_text: null, thank_you_message: "Cheers!" },
    });
    expect(made.status).toBe(201);
    expect(made.body.slug).toMatch(/^hand-made/);
    expect(made.body.settings).toMatchObject({
      consent_text: null,
      thank_you_message: "Cheers!",
      double_opt_in: false,
    });
    const drafts = await api.get<{ data: LandingPage[] }>("/api/landing-pages?status=draft&limit=200");
    expect(drafts.body.data.some((row) => row.id === made.body.id)).toBe(true);
    expect((await api.delete(`/api/landing-pages/${made.body.id}`)).status).toBe(204);
    expect((await api.get(`/api/landing-pages/${made.body.id}`)).status).toBe(404);
    expect((await api.delete(`/api/landing-pages/${made.body.id}`)).status).toBe(404);
  });
});

describe("the public page", () => {
  it("is a friendly 404 page until published, then HTML with CSP, OG tags and an ETag", async () => {
    const page = await generated();
    const draft = await api.as(undefined).get(`/lp/${page.slug}`);
    expect(draft.status).toBe(404);
    expect(draft.headers.get("content-type")).toMatch(/text\/html/);
    expect(draft.text).toContain("Page not found");
    await api.post(`/api/landing-pages/${page.id}/publish`);
    const served = await api.as(undefined).get(`/lp/${page.slug}`);
    expect(served.status).toBe(200);
    expect(served.text.startsWith("<!DOCTYPE html>")).toBe(true);
    const csp = served.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(served.text).toContain(`<meta property="og:url" content="https://crm.test/lp/${page.slug}"/>`);
    expect(served.text).toContain(`action="/lp/${page.id}/submit"`);
    expect(served.headers.get("etag")).toMatch(/^W\/"[0-9a-f]{24}"$/);
    // By id as well as by slug.
    expect((await api.as(undefined).get(`/lp/${page.id}`)).status).toBe(200);
    expect((await api.as(undefined).get("/lp/no-such-page")).status).toBe(404);
  });

  it("is served from the edge cache, answers 304 to its ETag, and an edit or unpublish purges it", async () => {
    const page = await published();
    const first = await api.as(undefined).get(`/lp/${page.slug}`);
    const second = await api.as(undefined).get(`/lp/${page.slug}`);
    expect([first.headers.get("x-cache"), second.headers.get("x-cache")]).toEqual(["MISS", "HIT"]);
    // Each response carries its own timing token; everything else is the cached page.
    expect(second.text.replace(/name="_t" value="[^"]+"/, "")).toBe(
      first.text.replace(/name="_t" value="[^"]+"/, ""),
    );
    const etag = first.headers.get("etag") ?? "";
    const notModified = await api.as(undefined).get(`/lp/${page.slug}`, { "if-none-match": etag });
    expect(notModified.status).toBe(304);

    const hero = { type: "hero", headline: "Brand new headline", subheadline: "Fresh", cta_label: "Go" };
    const edited = await api.patch<LandingPage>(`/api/landing-pages/${page.id}`, {
      content: { blocks: [hero, ...page.content.blocks.slice(1)] },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.version).toBe(page.version + 1);
    const fresh = await api.as(undefined).get(`/lp/${page.slug}`, { "if-none-match": etag });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("x-cache")).toBe("MISS");
    expect(fresh.text).toContain("Brand new headline");

    await api.post(`/api/landing-pages/${page.id}/unpublish`);
    expect((await api.as(undefined).get(`/lp/${page.slug}`)).status).toBe(404);
    expect((await api.as(undefined).get(`/lp/${page.id}`)).status).toBe(404);
  });

  it("sends other spellings of the address to the canonical one (301), which is what is cached", async () => {
    const page = await published();
    const shouting = await api.as(undefined).get(`/lp/${page.slug.toUpperCase()}?utm_source=x`);
    expect(shouting.status).toBe(301);
    expect(shouting.headers.get("location")).toBe(`/lp/${page.slug}?utm_source=x`);
    await api.post(`/api/landing-pages/${page.id}/unpublish`);
    expect((await api.as(undefined).get(`/lp/${page.slug.toUpperCase()}`)).status).toBe(404);
  });

  it("a renamed page is served at its new slug only", async () => {
    const page = await published();
    await api.as(undefined).get(`/lp/${page.slug}`);
    const slug = `renamed-${unique()}`;
    expect((await api.patch(`/api/landing-pages/${page.id}`, { slug })).status).toBe(200);
    expect((await api.as(undefined).get(`/lp/${page.slug}`)).status).toBe(404);
    expect((await api.as(undefined).get(`/lp/${slug}`)).status).toBe(200);
  });

  it("counts each view with its UTM parameters and referrer (query and fragment of the referrer dropped)", async () => {
    const page = await published();
    await api.as(undefined).get(`/lp/${page.slug}?utm_source=newsletter&utm_campaign=spring`, {
      referer: "https://news.example/issue/4?email=ada@example.com#top",
    });
    await api.as(undefined).get(`/lp/${page.slug}`);
    await api.as(undefined).get(`/lp/${page.slug}`, { "if-none-match": "*" });
    // A HEAD request is not a view; an absurdly long UTM value still gets the page (cut to 200).
    expect((await api.as(undefined).call("HEAD", `/lp/${page.slug}`)).status).toBe(200);
    const long = await api.as(undefined).get(`/lp/${page.slug}?utm_content=${"x".repeat(3000)}`);
    expect(long.status).toBe(200);
    expect((await api.as(undefined).get(`/lp/${"y".repeat(500)}`)).status).toBe(404);
    const rows = await viewRows(page.id);
    expect(rows).toHaveLength(4);
    expect(rows).toContainEqual({
      utm_source: "newsletter",
      utm_campaign: "spring",
      referrer: "https://news.example/issue/4",
    });
  });

  it("escapes markup in every block: it shows as text", async () => {
    const page = await published();
    const hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const blocks = page.content.blocks.map((block) =>
      block.type === "hero"
        ? { ...block, headline: hostile }
        : block.type === "footer"
          ? { ...block, text: hostile }
          : block,
    );
    expect((await api.patch(`/api/landing-pages/${page.id}`, { content: { blocks } })).status).toBe(200);
    const served = await api.as(undefined).get(`/lp/${page.slug}`);
    expect(served.text).not.toContain("<script>alert");
    expect(served.text).not.toContain("<img src=x");
    expect(served.text).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    const stored = await api.get<LandingPage>(`/api/landing-pages/${page.id}`);
    expect(stored.body.content.blocks[0]).toMatchObject({ headline: hostile });
  });
});

describe("the form", () => {
  let page: LandingPage;
  beforeAll(async () => {
    page = await published();
  });

  it("creates a lead with source, tag, timeline and consent, and goes to the thank-you page", async () => {
    const email = `ada.${unique()}@example.com`;
    const response = await submit(
      page,
      { email, first_name: "Ada", _consent: "yes" },
      { headers: { "cf-connecting-ip": "203.0.113.9", "user-agent": "TestBrowser/1.0" } },
    );
    expect(response.status, response.text).toBe(303);
    expect(response.headers.get("location")).toBe(`/lp/${page.id}/thanks`);
    const thanks = await api.as(undefined).get(`/lp/${page.id}/thanks`);
    expect(thanks.text).toContain(page.settings.thank_you_message);

    const contact = await contactByEmail(email);
    expect(contact).toMatchObject({
      first_name: "Ada",
      status: "lead",
      source: `landing_page:${page.slug}`,
      tags: [page.settings.tag],
    });
    const timeline = await api.get<{ data: TimelineEntry[] }>(`/api/contacts/${contact?.id}/timeline`);
    expect(timeline.body.data.map((entry) => entry.type).sort()).toEqual([
      "form_submission",
      "landing_page_visit",
    ]);
    const submission = timeline.body.data.find((entry) => entry.type === "form_submission");
    expect(submission?.metadata).toMatchObject({
      page: page.id,
      new_contact: true,
      fields: { email, first_name: "Ada" },
    });
    // form_submission 10 + landing_page_visit 4 = 14 of 200 → 7.
    expect(contact?.engagement_score).toBe(7);
    const consent = await api.get<{ data: Consent[] }>(`/api/contacts/${contact?.id}/consent`);
    expect(consent.body.data).toEqual([
      expect.objectContaining({
        action: "opted_in",
        page: page.id,
        text: page.settings.consent_text,
        ip: "203.0.113.9",
        user_agent: "TestBrowser/1.0",
      }),
    ]);
  });

  it("the same person again in another case updates, never duplicates: empty fields filled, others kept", async () => {
    const email = `grace.${unique()}@example.com`;
    expect((await submit(page, { email, first_name: "Grace", _consent: "yes" })).status).toBe(303);
    const again = await submit(page, { email: email.toUpperCase(), first_name: "Gracie", _consent: "yes" });
    expect(again.status).toBe(303);
    const all = await api.get<{ data: Contact[] }>(`/api/contacts?search=${email.split("@")[0]}`);
    expect(all.body.data).toHaveLength(1);
    const contact = all.body.data[0];
    expect(contact?.first_name).toBe("Grace");
    const timeline = await api.get<{ data: TimelineEntry[] }>(
      `/api/contacts/${contact?.id}/timeline?type=form_submission`,
    );
    expect(timeline.body.data).toHaveLength(2);
    expect(timeline.body.data[0]?.metadata).toMatchObject({
      new_contact: false,
      kept: [{ field: "first_name", stored: "Grace", submitted: "Gracie" }],
    });
    expect(timeline.body.data[0]?.content).toContain("kept the stored first_name");
  });

  it("fills a known contact's empty fields from the form", async () => {
    const email = `lin.${unique()}@example.com`;
    const made = await api.post<Contact>("/api/contacts", {
      first_name: "Lin",
      last_name: "Chen",
      email,
      tags: ["vip"],
    });
    const withPhone = {
      ...page.content,
      blocks: page.content.blocks.map((block) =>
        block.type === "form"
          ? {
              ...block,
              fields: [
                ...block.fields,
                { name: "phone", label: "Phone", type: "tel", required: false, options: null },
              ],
            }
          : block,
      ),
    };
    const phonePage = await published();
    await api.patch(`/api/landing-pages/${phonePage.id}`, { content: withPhone });
    expect(
      (await submit(phonePage, { email, first_name: "Lin", phone: "+44 20 7946 0958", _consent: "yes" }))
        .status,
    ).toBe(303);
    const contact = await api.get<Contact>(`/api/contacts/${made.body.id}`);
    expect(contact.body).toMatchObject({
      phone: "+44 20 7946 0958",
      tags: ["vip", phonePage.settings.tag],
      status: "lead",
    });
  });

  it("re-renders the page (422) with messages beside the fields and the values kept, writing nothing", async () => {
    const typed = 'not-an-email"><script>alert(1)</script>';
    const response = await submit(page, { email: typed, first_name: "Zed" });
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    expect(response.text).toContain('aria-invalid="true"');
    expect(response.text).toContain("must be a valid email address");
    expect(response.text).toContain("Please tick the box to agree");
    expect(response.text).toContain('value="Zed"');
    expect(response.text).toContain('value="not-an-email&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(response.text).not.toContain("<script>alert(1)");
    expect(await contactByEmail("not-an-email")).toBeUndefined();
  });

  it("drops a filled honeypot silently (the bot sees the thank-you redirect)", async () => {
    const email = `bot.${unique()}@example.com`;
    const response = await submit(page, {
      email,
      first_name: "Bot",
      _consent: "yes",
      _website: "http://spam.example",
    });
    expect(response.status).toBe(303);
    expect(await contactByEmail(email)).toBeUndefined();
  });

  it("asks again when the form was sent too fast, or without a genuine timing token", async () => {
    const email = `quick.${unique()}@example.com`;
    const fast = await submit(
      page,
      { email, first_name: "Q", _consent: "yes" },
      { started: await startedAgo(page, 500) },
    );
    expect(fast.status).toBe(422);
    expect(fast.text).toContain("That was quick!");
    expect(fast.text).toContain(`value="${email}"`);
    const forged = await submit(
      page,
      { email, first_name: "Q", _consent: "yes" },
      { started: "forged.token" },
    );
    expect(forged.status).toBe(422);
    const otherPage = await submit(
      page,
      { email, first_name: "Q", _consent: "yes" },
      { started: await signer.sign({ kind: "form", page: "another", at: Date.now() - 60_000 }) },
    );
    expect(otherPage.status).toBe(422);
    expect(await contactByEmail(email)).toBeUndefined();
    // The re-rendered form keeps the time it was first shown: once 3 s have passed since then, the
    // visitor's next try is accepted (fixing a typo at once is not being a bot).
    const rendered = /name="_t" value="([^"]+)"/.exec(fast.text)?.[1] ?? "";
    const kept = await signer.verify(rendered, "form");
    expect(kept?.page).toBe(page.id);
    expect(Date.now() - (kept?.at ?? 0)).toBeGreaterThanOrEqual(450); // the first showing, 500 ms ago
    expect(Date.now() - (kept?.at ?? 0)).toBeLessThan(3_000);
    const typo = await submit(page, { email: "typo@@example.com", first_name: "T", _consent: "yes" });
    const fixed = /name="_t" value="([^"]+)"/.exec(typo.text)?.[1] ?? "";
    const retry = await submit(page, { email, first_name: "T", _consent: "yes" }, { started: fixed });
    expect(retry.status).toBe(303);
  });

  it("keeps the visit's UTM parameters and referrer with the submission (carried by the form's token)", async () => {
    const served = await api.as(undefined).get(`/lp/${page.slug}?utm_source=linkedin&utm_campaign=launch`, {
      referer: "https://www.linkedin.com/feed/?trk=x",
    });
    const rendered = /name="_t" value="([^"]+)"/.exec(served.text)?.[1] ?? "";
    const token = await signer.verify(rendered, "form");
    expect(token).toMatchObject({
      page: page.id,
      utm: { utm_source: "linkedin", utm_campaign: "launch" },
      referrer: "https://www.linkedin.com/feed/",
    });
    // The same token, as if the visitor took ten seconds (the form's post has no query or referrer).
    const email = `utm.${unique()}@example.com`;
    const started = await signer.sign({
      ...(token ?? { kind: "form", page: page.id }),
      at: Date.now() - 10_000,
    } as never);
    expect((await submit(page, { email, first_name: "U", _consent: "yes" }, { started })).status).toBe(303);
    const contact = await contactByEmail(email);
    const entries = await api.get<{ data: TimelineEntry[] }>(`/api/contacts/${contact?.id}/timeline`);
    for (const entry of entries.body.data) {
      expect(entry.metadata).toMatchObject({
        utm_source: "linkedin",
        utm_campaign: "launch",
        referrer: "https://www.linkedin.com/feed/",
      });
    }
  });

  it("asks again when the consent wording changed after the page was shown (records only what was seen)", async () => {
    const changing = await published();
    const served = await api.as(undefined).get(`/lp/${changing.slug}`);
    const token = await signer.verify(/name="_t" value="([^"]+)"/.exec(served.text)?.[1] ?? "", "form");
    const started = await signer.sign({
      ...(token ?? { kind: "form", page: changing.id }),
      at: Date.now() - 10_000,
    } as never);
    await api.patch(`/api/landing-pages/${changing.id}`, {
      settings: { consent_text: "I agree that Northwind may share my details with partners." },
    });
    const email = `consent.${unique()}@example.com`;
    const refused = await submit(changing, { email, first_name: "C", _consent: "yes" }, { started });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain("The wording of the consent below has changed");
    expect(refused.text).toContain("share my details with partners");
    expect(await contactByEmail(email)).toBeUndefined();
    // The re-rendered form's token names the new wording: sent again (after a while), it is accepted.
    const again = await signer.verify(/name="_t" value="([^"]+)"/.exec(refused.text)?.[1] ?? "", "form");
    const resent = await signer.sign({
      ...(again ?? { kind: "form", page: changing.id }),
      at: Date.now() - 10_000,
    } as never);
    expect(
      (await submit(changing, { email, first_name: "C", _consent: "yes" }, { started: resent })).status,
    ).toBe(303);
    const contact = await contactByEmail(email);
    const log = await api.get<{ data: Consent[] }>(`/api/contacts/${contact?.id}/consent`);
    expect(log.body.data[0]?.text).toBe("I agree that Northwind may share my details with partners.");
  });

  it("answers scripts in JSON: 200 received, 422 naming each field", async () => {
    const email = `json.${unique()}@example.com`;
    const ok = await api.as(undefined).post<{ status: string; message: string }>(`/lp/${page.slug}/submit`, {
      ...requiredDefaults(page),
      email,
      first_name: "Jay",
      _consent: true,
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toEqual({
      status: "received",
      message: page.settings.thank_you_message,
      redirect_url: null,
    });
    expect(await contactByEmail(email)).toBeDefined();
    const bad = await api.as(undefined).post<ErrorBody>(`/lp/${page.slug}/submit`, {
      ...requiredDefaults(page),
      email: "nope",
      first_name: { html: "<b>" },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details?.map((issue) => issue.field).sort()).toEqual([
      "_consent",
      "email",
      "first_name",
    ]);
    const text = await api
      .as(undefined)
      .post<ErrorBody>(`/lp/${page.slug}/submit`, "email=x", { "content-type": "text/plain" });
    expect(text.status).toBe(415);
    const unknown = await api.as(undefined).post<ErrorBody>("/lp/nothing-here/submit", { email });
    expect(unknown.status).toBe(404);
  });

  it("goes to the page's redirect when one is set (and the CSP allows that form target)", async () => {
    const redirecting = await published();
    await api.patch(`/api/landing-pages/${redirecting.id}`, {
      settings: { redirect_url: "https://northwind.example/welcome" },
    });
    const served = await api.as(undefined).get(`/lp/${redirecting.slug}`);
    expect(served.headers.get("content-security-policy")).toContain(
      "form-action 'self' https://northwind.example",
    );
    const response = await submit(redirecting, {
      email: `r.${unique()}@example.com`,
      first_name: "R",
      _consent: "yes",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("https://northwind.example/welcome");
  });
});

describe("spam controls with their own limits", () => {
  it("rate-limits submissions per IP (429 page with Retry-After)", async () => {
    const limited = await freshApi("landing_rate", { LANDING_SUBMIT_LIMITER: env.TEST_SMALL_IP_LIMITER });
    const page = await published({}, limited);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await submit(
        page,
        { email: `many${i}.${unique()}@example.com`, first_name: "M", _consent: "yes" },
        { on: limited, headers: { "cf-connecting-ip": "198.51.100.23" } },
      );
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.headers.get("retry-after")).toBe("60");
        expect(response.text).toContain("Too many attempts");
      }
    }
    expect(statuses).toEqual([303, 303, 303, 303, 429]);
    // Another address has its own budget.
    const other = await submit(
      page,
      { email: `other.${unique()}@example.com`, first_name: "O", _consent: "yes" },
      { on: limited, headers: { "cf-connecting-ip": "198.51.100.24" } },
    );
    expect(other.status).toBe(303);
  });

  async function turnstileRequests(): Promise<
    Array<{ fields: Record<string, string> | null; contentType: string }>
  > {
    const origin = new URL(env.TEST_FAKE_TURNSTILE_URL).origin;
    return (await fetch(`${origin}/__requests`)).json();
  }

  it("verifies Turnstile when configured: the widget is on the page, a failure re-renders, a pass is stored", async () => {
    const keys = TURNSTILE_TEST_KEYS;
    const failing = await freshApi("landing_ts_fail", {
      TURNSTILE_SITE_KEY: keys.sitekeys.alwaysBlocks,
      TURNSTILE_SECRET_KEY: keys.secrets.alwaysFails,
      TURNSTILE_VERIFY_URL: env.TEST_FAKE_TURNSTILE_URL,
    });
    const page = await published({}, failing);
    const served = await failing.as(undefined).get(`/lp/${page.slug}`);
    expect(served.text).toContain(`data-sitekey="${keys.sitekeys.alwaysBlocks}"`);
    expect(served.headers.get("content-security-policy")).toContain(
      "script-src https://challenges.cloudflare.com",
    );
    const email = `human.${unique()}@example.com`;
    const refused = await submit(
      page,
      { email, first_name: "H", _consent: "yes", "cf-turnstile-response": keys.token },
      { on: failing, headers: { "cf-connecting-ip": "192.0.2.10" } },
    );
    expect(refused.status).toBe(422);
    expect(refused.text).toContain("could not verify that you are human");
    expect(await contactByEmail(email, failing)).toBeUndefined();

    const passing = await freshApi("landing_ts_pass", {
      TURNSTILE_SITE_KEY: keys.sitekeys.alwaysPasses,
      TURNSTILE_SECRET_KEY: keys.secrets.alwaysPasses,
      TURNSTILE_VERIFY_URL: env.TEST_FAKE_TURNSTILE_URL,
    });
    const passPage = await published({}, passing);
    const accepted = await submit(
      passPage,
      { email, first_name: "H", _consent: "yes", "cf-turnstile-response": keys.token },
      { on: passing, headers: { "cf-connecting-ip": "192.0.2.11" } },
    );
    expect(accepted.status).toBe(303);
    expect(await contactByEmail(email, passing)).toBeDefined();
    // The siteverify call had the documented shape: form-encoded secret, response, remoteip, idempotency_key.
    const last = (await turnstileRequests())
      .filter((request) => request.fields?.remoteip === "192.0.2.11")
      .at(-1);
    expect(last?.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.keys(last?.fields ?? {}).sort()).toEqual([
      "idempotency_key",
      "remoteip",
      "response",
      "secret",
    ]);
    expect(last?.fields?.secret).toBe(keys.secrets.alwaysPasses);
    expect(last?.fields?.response).toBe(keys.token);
    // Without a token the form is refused without asking Cloudflare.
    const missing = await submit(
      passPage,
      { email: `no.${unique()}@example.com`, first_name: "N", _consent: "yes" },
      { on: passing, headers: { "cf-connecting-ip": "192.0.2.12" } },
    );
    expect(missing.status).toBe(422);
  });
});

describe("double opt-in", () => {
  it("logs a pending consent, emails one confirmation link, and confirms once", async () => {
    const page = await published();
    await api.patch(`/api/landing-pages/${page.id}`, { settings: { double_opt_in: true } });
    const email = `optin.${unique()}@example.com`;
    expect((await submit(page, { email, first_name: "Opal", _consent: "yes" })).status).toBe(303);
    const contact = await contactByEmail(email);
    const log = async () =>
      (await api.get<{ data: Consent[] }>(`/api/contacts/${contact?.id}/consent`)).body.data;
    expect((await log()).map((row) => row.action)).toEqual(["opt_in_pending"]);
    const pendingId = (await log())[0]?.id;
    expect(queue.pending.map((message) => message.body)).toContainEqual({
      type: "optin",
      consent: pendingId,
    });
    // The same message twice (a redelivery) sends one email.
    queue.pending.push(...queue.pending.filter((message) => message.body.type === "optin"));
    await queue.drain(api);
    const outbox = await api.get<{ data: OutboxMessage[] }>(`/api/outbox?to=${encodeURIComponent(email)}`);
    expect(outbox.body.data).toHaveLength(1);
    const message = outbox.body.data[0];
    expect(message?.kind).toBe("confirmation");
    const link = message?.links[0] ?? "";
    expect(link).toMatch(new RegExp(`^https://crm.test/lp/${page.id}/confirm\\?t=`));
    const path = link.replace("https://crm.test", "");
    const landing = await api.as(undefined).get(path);
    expect(landing.status).toBe(200);
    expect((await log()).map((row) => row.action)).toEqual(["opt_in_pending"]);
    const token = new URL(link).searchParams.get("t") ?? "";
    for (let i = 0; i < 2; i++) {
      const confirmed = await api.as(undefined).post(`/lp/${page.id}/confirm`, form({ t: token }), FORM);
      expect(confirmed.status).toBe(200);
      expect(confirmed.text).toContain("Subscription confirmed");
    }
    expect((await log()).map((row) => row.action)).toEqual(["opt_in_confirmed", "opt_in_pending"]);
    const forged = await api.as(undefined).post(`/lp/${page.id}/confirm`, form({ t: `${token}x` }), FORM);
    expect(forged.status).toBe(404);
  });

  it("five confirmations at once log one; a queue failure after the commit is no error, and the sweep sends it", async () => {
    const failing = new CapturedQueue();
    let refusals = 1;
    const flaky = {
      send: async (body: Parameters<CapturedQueue["send"]>[0]) => {
        if (refusals-- > 0) throw new Error("queue unavailable");
        await failing.send(body);
      },
      sendBatch: (messages: Parameters<CapturedQueue["sendBatch"]>[0]) => failing.sendBatch(messages),
    };
    const own = await freshApi("landing_optin_fault", { DELIVERY_QUEUE: flaky });
    await own.patch("/api/settings", TEST_BRAND);
    const page = await published({}, own);
    await own.patch(`/api/landing-pages/${page.id}`, { settings: { double_opt_in: true } });
    const email = `fault.${unique()}@example.com`;
    const submitted = await submit(page, { email, first_name: "F", _consent: "yes" }, { on: own });
    expect(submitted.status).toBe(303);
    expect(failing.pending).toHaveLength(0);
    // Eleven minutes later the cron's sweep queues the confirmation that was never sent.
    await runCampaigns(Date.now() + 11 * 60_000, own.env);
    expect(failing.pending.map((message) => message.body.type)).toContain("optin");
    await failing.drain(own);
    const outbox = await own.get<{ data: OutboxMessage[] }>(`/api/outbox?to=${encodeURIComponent(email)}`);
    expect(outbox.body.data.map((message) => message.kind)).toEqual(["confirmation"]);
    const token = new URL(outbox.body.data[0]?.links[0] ?? "https://x").searchParams.get("t") ?? "";
    const confirmations = await Promise.all(
      Array.from({ length: 5 }, () =>
        own.as(undefined).post(`/lp/${page.id}/confirm`, form({ t: token }), FORM),
      ),
    );
    expect(confirmations.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    const contact = await contactByEmail(email, own);
    const log = await own.get<{ data: Consent[] }>(`/api/contacts/${contact?.id}/consent`);
    expect(log.body.data.map((row) => row.action)).toEqual(["opt_in_confirmed", "opt_in_pending"]);
  });
});
