import { env } from "cloudflare:test";
import { svixHeaders, TokenSigner } from "@crm/shared/delivery";
import type { ApiKeyCreated, Company, Contact, LoginResult, TimelineEntry, User } from "@crm/shared/schemas";
import { sign } from "hono/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { app as gatewayApp } from "../index.ts";
import { consentHash } from "../landing/page-cache.ts";
import { ACCESS_EXTENSION, BEARER_SCHEME } from "./access.ts";
import { freshApi, type TestApi, withDatabase } from "./test-client.ts";
import { CapturedQueue } from "./test-queue.ts";

/**
 * The security suite. Every route in the generated OpenAPI document must appear in ROUTES with its
 * access decision, and the decision must be what the Worker enforces: a new route without one fails
 * here. Then injection payloads go into every id segment, query parameter and string body field, and
 * mass-assignment attempts into every body; no response may be a 500 and no data may change.
 */
type Access = "public" | "read" | "write" | "admin";
interface Request {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}
interface RouteCase {
  access: Access;
  ok: number;
  /** A valid request that the right credential gets `ok` for (built fresh each time). */
  request: () => Promise<Request>;
}

let api: TestApi;
const PASSWORD = "a long enough password";
const tokens = {} as Record<
  | "readKey"
  | "writeKey"
  | "adminKey"
  | "viewer"
  | "member"
  | "revokedKey"
  | "loggedOut"
  | "expired"
  | "forged",
  string
>;

const unique = () => crypto.randomUUID().slice(0, 8);
async function created<T extends { id: string }>(path: string, body: unknown): Promise<T> {
  const response = await api.post<T>(path, body);
  if (response.status !== 201) throw new Error(`fixture ${path}: ${response.status} ${response.text}`);
  return response.body;
}
const contact = () =>
  created<Contact>("/api/contacts", {
    first_name: "Sec",
    last_name: "Urity",
    email: `${unique()}@sec.example`,
  });
const company = () => created<Company>("/api/companies", { name: `Sec ${unique()}` });
const entry = async () =>
  created<TimelineEntry>("/api/timeline", { contact: (await contact()).id, type: "note", content: "n" });
const user = (role = "viewer") =>
  created<User>("/api/users", { email: `${unique()}@users.example`, name: "U", role, password: PASSWORD });
const apiKey = (scopes: string[]) =>
  created<ApiKeyCreated>("/api/api-keys", { name: `K ${unique()}`, scopes });
const SEGMENT = { name: "Leads", tree: { field: "status", op: "eq", value: "lead" } };
const segment = () => created<{ id: string }>("/api/segments", SEGMENT);
const CAMPAIGN = { name: "Sec campaign", objective: "awareness", channels: ["email"] };
const campaign = () => created<{ id: string }>("/api/campaigns", CAMPAIGN);
async function assetPath() {
  const { id } = await campaign();
  const drafted = await api.post<{ data: Array<{ id: string }> }>(`/api/campaigns/${id}/assets`, {
    types: ["email"],
  });
  return `/api/campaigns/${id}/assets/${drafted.body.data[0]?.id}`;
}
/** A campaign ready to execute: an audience and its email drafted. */
async function readyCampaign() {
  const { id } = await created<{ id: string }>("/api/campaigns", {
    ...CAMPAIGN,
    segment_tree: { field: "email", op: "eq", value: "nobody@sec.example" },
  });
  await api.post(`/api/campaigns/${id}/assets`, { types: ["email"] });
  return id;
}
const signer = new TokenSigner(env.CRM_TRACKING_SECRET);
const RESEND_SECRET = `whsec_${btoa("security suite webhook secret!!")}`;
// Inactive: the suite's contacts must not send real webhooks anywhere.
const HOOK = { url: "https://hooks.example.com/crm", events: ["contact.created"], active: false };
const hook = () => created<{ id: string }>("/api/webhooks", HOOK);
/** A sent delivery to a fresh contact (only execution writes them, so it is written directly). */
async function delivery() {
  const person = await contact();
  return withDatabase(api, async (db) => {
    const [row] = await db.query<[{ id: { id: string } }]>(
      `CREATE ONLY delivery CONTENT {
         campaign: campaign:sec, run: campaign_run:sec, channel: 'email', status: 'sent',
         contact: type::record('contact', $contact), email: $email
       }`,
      { contact: person.id, email: person.email },
    );
    return String(row.id.id);
  });
}
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const EVENT = { name: "Sec event", type: "demo", start_time: inDays(7), end_time: inDays(7.05) };
const event = () => created<{ id: string }>("/api/events", EVENT);
/** An event running now with a registered contact, for the door. */
async function runningWithGuest() {
  const running = await created<{ id: string }>("/api/events", {
    ...EVENT,
    start_time: inDays(-0.01),
    end_time: inDays(0.05),
  });
  const guest = await contact();
  await api.post(`/api/events/${running.id}/rsvp`, { contact_id: guest.id, status: "registered" });
  return { event: running.id, contact: guest.id };
}
/** An invited contact's RSVP page and its form token. */
async function rsvpPage() {
  const { id } = await event();
  const guest = await contact();
  await api.post(`/api/events/${id}/invite`, { contact_ids: [guest.id] });
  const token = await signer.sign({ kind: "rsvp", event: id, contact: guest.id });
  return { id, token };
}
/** A landing page (a draft) and a published one with a valid form submission for it. */
const landingPage = () =>
  created<{
    id: string;
    slug: string;
    content: { blocks: Array<Record<string, unknown>> };
    settings: { consent_text: string | null };
  }>("/api/landing-pages/generate", { prompt: "A security suite page" });
async function publishedPage() {
  const page = await landingPage();
  await api.post(`/api/landing-pages/${page.id}/publish`);
  return page;
}
/** A valid form post for a page: its required fields, consent and an old enough timing token. */
async function landingSubmission(
  page: Awaited<ReturnType<typeof landingPage>>,
  email = `${unique()}@lp.example`,
) {
  const form = page.content.blocks.find((block) => block.type === "form") as
    | { fields: Array<{ name: string; type: string; required: boolean; options: string[] | null }> }
    | undefined;
  const fields: Record<string, string> = { _consent: "yes", _website: "" };
  for (const field of form?.fields ?? []) {
    if (field.required) fields[field.name] = field.type === "select" ? (field.options?.[0] ?? "") : "Sec";
  }
  fields.email = email;
  const consent = await consentHash(page.settings.consent_text);
  fields._t = await signer.sign({ kind: "form", page: page.id, at: Date.now() - 10_000, consent });
  return new URLSearchParams(fields).toString();
}
const FORM_HEADERS = { "content-type": "application/x-www-form-urlencoded" };
/** A pending double opt-in and its confirmation token. */
async function pendingOptIn() {
  const page = await publishedPage();
  await api.patch(`/api/landing-pages/${page.id}`, { settings: { double_opt_in: true } });
  const email = `${unique()}@optin.example`;
  await api.as(undefined).post(`/lp/${page.id}/submit`, await landingSubmission(page, email), FORM_HEADERS);
  const consent = await withDatabase(api, async (db) => {
    const [ids] = await db.query<[Array<{ id: string }>]>(
      "SELECT VALUE id FROM consent_event WHERE email = $email AND action = 'opt_in_pending'",
      { email },
    );
    return String(ids[0]?.id ?? "");
  });
  return { page: page.id, token: await signer.sign({ kind: "optin", consent }) };
}
async function sessionFor(role: string) {
  const account = await user(role);
  const login = await api
    .as(undefined)
    .post<LoginResult>("/api/auth/login", { email: account.email, password: PASSWORD });
  return login.body.token;
}

const ROUTES: Record<string, RouteCase> = {
  "GET /health": { access: "public", ok: 200, request: async () => ({ path: "/health" }) },
  "POST /api/auth/login": {
    access: "public",
    ok: 200,
    request: async () => ({
      path: "/api/auth/login",
      body: { email: (await user()).email, password: PASSWORD },
    }),
  },
  "GET /api/auth/me": { access: "read", ok: 200, request: async () => ({ path: "/api/auth/me" }) },
  "POST /api/auth/logout": { access: "read", ok: 204, request: async () => ({ path: "/api/auth/logout" }) },
  "GET /api/contacts": { access: "read", ok: 200, request: async () => ({ path: "/api/contacts" }) },
  "POST /api/contacts": {
    access: "write",
    ok: 201,
    request: async () => ({
      path: "/api/contacts",
      body: { first_name: "N", last_name: "C", email: `${unique()}@n.example` },
    }),
  },
  "GET /api/contacts/{id}": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `/api/contacts/${(await contact()).id}` }),
  },
  "PATCH /api/contacts/{id}": {
    access: "write",
    ok: 200,
    request: async () => ({ path: `/api/contacts/${(await contact()).id}`, body: { first_name: "Changed" } }),
  },
  "DELETE /api/contacts/{id}": {
    access: "write",
    ok: 204,
    request: async () => ({ path: `/api/contacts/${(await contact()).id}` }),
  },
  "GET /api/contacts/{id}/timeline": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `/api/contacts/${(await contact()).id}/timeline` }),
  },
  "GET /api/companies": { access: "read", ok: 200, request: async () => ({ path: "/api/companies" }) },
  "POST /api/companies": {
    access: "write",
    ok: 201,
    request: async () => ({ path: "/api/companies", body: { name: "New Co" } }),
  },
  "GET /api/companies/{id}": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `/api/companies/${(await company()).id}` }),
  },
  "PATCH /api/companies/{id}": {
    access: "write",
    ok: 200,
    request: async () => ({ path: `/api/companies/${(await company()).id}`, body: { industry: "Security" } }),
  },
  "DELETE /api/companies/{id}": {
    access: "write",
    ok: 204,
    request: async () => ({ path: `/api/companies/${(await company()).id}` }),
  },
  "GET /api/companies/{id}/contacts": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `/api/companies/${(await company()).id}/contacts` }),
  },
  "POST /api/timeline": {
    access: "write",
    ok: 201,
    request: async () => ({
      path: "/api/timeline",
      body: { contact: (await contact()).id, type: "call", content: "Hi" },
    }),
  },
  "GET /api/timeline/{id}": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `/api/timeline/${(await entry()).id}` }),
  },
  "DELETE /api/timeline/{id}": {
    access: "write",
    ok: 204,
    request: async () => ({ path: `/api/timeline/${(await entry()).id}` }),
  },
  "GET /api/users": { access: "admin", ok: 200, request: async () => ({ path: "/api/users" }) },
  "POST /api/users": {
    access: "admin",
    ok: 201,
    request: async () => ({
      path: "/api/users",
      body: { email: `${unique()}@new.example`, name: "New", password: PASSWORD },
    }),
  },
  "GET /api/users/{id}": {
    access: "admin",
    ok: 200,
    request: async () => ({ path: `/api/users/${(await user()).id}` }),
  },
  "PATCH /api/users/{id}": {
    access: "admin",
    ok: 200,
    request: async () => ({ path: `/api/users/${(await user()).id}`, body: { name: "Renamed" } }),
  },
  "DELETE /api/users/{id}": {
    access: "admin",
    ok: 204,
    request: async () => ({ path: `/api/users/${(await user()).id}` }),
  },
  "GET /api/contacts/{id}/summary": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `/api/contacts/${(await contact()).id}/summary` }),
  },
  "GET /api/segments": { access: "read", ok: 200, request: async () => ({ path: "/api/segments" }) },
  "POST /api/segments": {
    access: "write",
    ok: 201,
    request: async () => ({ path: "/api/segments", body: SEGMENT }),
  },
  "GET /api/segments/{id}": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `/api/segments/${(await segment()).id}` }),
  },
  "PATCH /api/segments/{id}": {
    access: "write",
    ok: 200,
    request: async () => ({ path: `/api/segments/${(await segment()).id}`, body: { name: "Renamed" } }),
  },
  "DELETE /api/segments/{id}": {
    access: "write",
    ok: 204,
    request: async () => ({ path: `/api/segments/${(await segment()).id}` }),
  },
  "POST /api/segments/preview": {
    access: "read",
    ok: 200,
    request: async () => ({ path: "/api/segments/preview", body: { tree: SEGMENT.tree } }),
  },
  "GET /api/settings": { access: "read", ok: 200, request: async () => ({ path: "/api/settings" }) },
  "PATCH /api/settings": {
    access: "admin",
    ok: 200,
    request: async () => ({ path: "/api/settings", body: { voice: "calm" } }),
  },
  "GET /api/campaigns": { access: "read", ok: 200, request: async () => ({ path: "/api/campaigns" }) },
  "POST /api/campaigns": {
    access: "write",
    ok: 201,
    request: async () => ({ path: "/api/campaigns", body: CAMPAIGN }),
  },
  "GET /api/campaigns/{id}": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `/api/campaigns/${(await campaign()).id}` }),
  },
  "PATCH /api/campaigns/{id}": {
    access: "write",
    ok: 200,
    request: async () => ({ path: `/api/campaigns/${(await campaign()).id}`, body: { name: "Renamed" } }),
  },
  "DELETE /api/campaigns/{id}": {
    access: "write",
    ok: 204,
    request: async () => ({ path: `/api/campaigns/${(await campaign()).id}` }),
  },
  "GET /api/campaigns/{id}/assets": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `/api/campaigns/${(await campaign()).id}/assets` }),
  },
  "POST /api/campaigns/{id}/assets": {
    access: "write",
    ok: 201,
    request: async () => ({
      path: `/api/campaigns/${(await campaign()).id}/assets`,
      body: { types: ["email"] },
    }),
  },
  "GET /api/campaigns/{id}/assets/{assetId}": {
    access: "read",
    ok: 200,
    request: async () => ({ path: await assetPath() }),
  },
  "PATCH /api/campaigns/{id}/assets/{assetId}": {
    access: "write",
    ok: 200,
    request: async () => {
      const path = await assetPath();
      const asset = await api.get<{ content: Record<string, unknown> }>(path);
      const { html_body: _h, text_body: _t, ...draft } = asset.body.content;
      return { path, body: { content: { ...draft, subject: "Edited" } } };
    },
  },
  "POST /api/campaigns/{id}/assets/{assetId}/regenerate": {
    access: "write",
    ok: 200,
    request: async () => ({ path: `${await assetPath()}/regenerate`, body: {} }),
  },
  "GET /api/campaigns/{id}/assets/{assetId}/preview": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `${await assetPath()}/preview?contact=${(await contact()).id}` }),
  },
  "POST /api/campaigns/{id}/execute": {
    access: "write",
    ok: 202,
    request: async () => ({ path: `/api/campaigns/${await readyCampaign()}/execute` }),
  },
  "GET /api/campaigns/{id}/runs": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `/api/campaigns/${(await campaign()).id}/runs` }),
  },
  "GET /api/campaigns/{id}/deliveries": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `/api/campaigns/${(await campaign()).id}/deliveries?status=failed` }),
  },
  "GET /api/outbox": { access: "read", ok: 200, request: async () => ({ path: "/api/outbox" }) },
  "GET /api/events": { access: "read", ok: 200, request: async () => ({ path: "/api/events" }) },
  "POST /api/events": {
    access: "write",
    ok: 201,
    request: async () => ({ path: "/api/events", body: EVENT }),
  },
  "GET /api/events/{id}": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `/api/events/${(await event()).id}` }),
  },
  "PATCH /api/events/{id}": {
    access: "write",
    ok: 200,
    request: async () => ({ path: `/api/events/${(await event()).id}`, body: { name: "Renamed" } }),
  },
  "DELETE /api/events/{id}": {
    access: "write",
    ok: 204,
    request: async () => ({ path: `/api/events/${(await event()).id}` }),
  },
  "POST /api/events/{id}/invite": {
    access: "write",
    ok: 200,
    request: async () => ({
      path: `/api/events/${(await event()).id}/invite`,
      body: { contact_ids: [(await contact()).id] },
    }),
  },
  "POST /api/events/{id}/rsvp": {
    access: "write",
    ok: 200,
    request: async () => ({
      path: `/api/events/${(await event()).id}/rsvp`,
      body: { contact_id: (await contact()).id, status: "registered" },
    }),
  },
  "POST /api/events/{id}/check-in": {
    access: "write",
    ok: 200,
    request: async () => {
      const door = await runningWithGuest();
      return { path: `/api/events/${door.event}/check-in`, body: { contact_id: door.contact } };
    },
  },
  "GET /api/events/{id}/attendees": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `/api/events/${(await event()).id}/attendees` }),
  },
  "GET /e/{id}": {
    access: "public",
    ok: 200,
    request: async () => {
      const page = await rsvpPage();
      return { path: `/e/${page.id}?t=${page.token}` };
    },
  },
  "POST /e/{id}": {
    access: "public",
    ok: 303,
    request: async () => {
      const page = await rsvpPage();
      return {
        path: `/e/${page.id}`,
        body: new URLSearchParams({ t: page.token, action: "register" }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      };
    },
  },
  "GET /api/analytics/contacts": {
    access: "read",
    ok: 200,
    request: async () => ({ path: "/api/analytics/contacts?range=7d" }),
  },
  "GET /api/analytics/campaign/{id}": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `/api/analytics/campaign/${(await campaign()).id}` }),
  },
  "GET /api/analytics/funnel": {
    access: "read",
    ok: 200,
    request: async () => ({ path: "/api/analytics/funnel?range=90d" }),
  },
  "GET /api/analytics/engagement": {
    access: "read",
    ok: 200,
    request: async () => ({ path: "/api/analytics/engagement?limit=5" }),
  },
  "POST /api/analytics/track": {
    access: "write",
    ok: 201,
    request: async () => ({
      path: "/api/analytics/track",
      body: { contact: (await contact()).id, event: "security_check", properties: { ok: true } },
    }),
  },
  "GET /api/landing-pages": {
    access: "read",
    ok: 200,
    request: async () => ({ path: "/api/landing-pages?status=draft" }),
  },
  "POST /api/landing-pages": {
    access: "write",
    ok: 201,
    request: async () => ({
      path: "/api/landing-pages",
      body: { title: `Hand made ${unique()}`, content: (await landingPage()).content },
    }),
  },
  "POST /api/landing-pages/generate": {
    access: "write",
    ok: 201,
    request: async () => ({ path: "/api/landing-pages/generate", body: { prompt: "A waitlist" } }),
  },
  "GET /api/landing-pages/{id}": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `/api/landing-pages/${(await landingPage()).id}` }),
  },
  "PATCH /api/landing-pages/{id}": {
    access: "write",
    ok: 200,
    request: async () => ({
      path: `/api/landing-pages/${(await landingPage()).id}`,
      body: { title: "Renamed" },
    }),
  },
  "DELETE /api/landing-pages/{id}": {
    access: "write",
    ok: 204,
    request: async () => ({ path: `/api/landing-pages/${(await landingPage()).id}` }),
  },
  "POST /api/landing-pages/{id}/publish": {
    access: "write",
    ok: 200,
    request: async () => ({ path: `/api/landing-pages/${(await landingPage()).id}/publish` }),
  },
  "POST /api/landing-pages/{id}/unpublish": {
    access: "write",
    ok: 200,
    request: async () => ({ path: `/api/landing-pages/${(await publishedPage()).id}/unpublish` }),
  },
  "GET /api/contacts/{id}/consent": {
    access: "read",
    ok: 200,
    request: async () => ({ path: `/api/contacts/${(await contact()).id}/consent` }),
  },
  "GET /lp/{ref}": {
    access: "public",
    ok: 200,
    request: async () => ({ path: `/lp/${(await publishedPage()).slug}?utm_source=suite` }),
  },
  "POST /lp/{ref}/submit": {
    access: "public",
    ok: 303,
    request: async () => {
      const page = await publishedPage();
      return { path: `/lp/${page.id}/submit`, body: await landingSubmission(page), headers: FORM_HEADERS };
    },
  },
  "GET /lp/{ref}/thanks": {
    access: "public",
    ok: 200,
    request: async () => ({ path: `/lp/${(await publishedPage()).id}/thanks` }),
  },
  "GET /lp/{ref}/confirm": {
    access: "public",
    ok: 200,
    request: async () => {
      const optIn = await pendingOptIn();
      return { path: `/lp/${optIn.page}/confirm?t=${optIn.token}` };
    },
  },
  "POST /lp/{ref}/confirm": {
    access: "public",
    ok: 200,
    request: async () => {
      const optIn = await pendingOptIn();
      return {
        path: `/lp/${optIn.page}/confirm`,
        body: new URLSearchParams({ t: optIn.token }).toString(),
        headers: FORM_HEADERS,
      };
    },
  },
  "GET /api/webhooks": { access: "admin", ok: 200, request: async () => ({ path: "/api/webhooks" }) },
  "POST /api/webhooks": {
    access: "admin",
    ok: 201,
    request: async () => ({ path: "/api/webhooks", body: HOOK }),
  },
  "GET /api/webhooks/{id}": {
    access: "admin",
    ok: 200,
    request: async () => ({ path: `/api/webhooks/${(await hook()).id}` }),
  },
  "PATCH /api/webhooks/{id}": {
    access: "admin",
    ok: 200,
    request: async () => ({ path: `/api/webhooks/${(await hook()).id}`, body: { active: false } }),
  },
  "DELETE /api/webhooks/{id}": {
    access: "admin",
    ok: 204,
    request: async () => ({ path: `/api/webhooks/${(await hook()).id}` }),
  },
  "GET /api/webhooks/{id}/deliveries": {
    access: "admin",
    ok: 200,
    request: async () => ({ path: `/api/webhooks/${(await hook()).id}/deliveries` }),
  },
  "POST /webhooks/email/{provider}": {
    access: "public",
    ok: 200,
    request: async () => {
      const body = JSON.stringify({ type: "email.delivered", data: { to: ["x@sec.example"] } });
      const signed = await svixHeaders(RESEND_SECRET, `msg_${unique()}`, body);
      return {
        path: "/webhooks/email/resend",
        body,
        headers: {
          "svix-id": signed.id,
          "svix-timestamp": signed.timestamp,
          "svix-signature": signed.signature,
        },
      };
    },
  },
  "GET /t/o/{token}": {
    access: "public",
    ok: 200,
    request: async () => ({ path: `/t/o/${await signer.sign({ kind: "open", delivery: "nowhere" })}` }),
  },
  "GET /t/c/{token}": {
    access: "public",
    ok: 302,
    request: async () => ({
      path: `/t/c/${await signer.sign({ kind: "click", delivery: "nowhere", url: "https://example.com/" })}`,
    }),
  },
  "GET /u/{token}": {
    access: "public",
    ok: 200,
    request: async () => ({
      path: `/u/${await signer.sign({ kind: "unsubscribe", delivery: await delivery() })}`,
    }),
  },
  "POST /u/{token}": {
    access: "public",
    ok: 200,
    request: async () => ({
      path: `/u/${await signer.sign({ kind: "unsubscribe", delivery: await delivery() })}`,
    }),
  },
  "GET /api/api-keys": { access: "admin", ok: 200, request: async () => ({ path: "/api/api-keys" }) },
  "POST /api/api-keys": {
    access: "admin",
    ok: 201,
    request: async () => ({ path: "/api/api-keys", body: { name: "New", scopes: ["read"] } }),
  },
  "GET /api/api-keys/{id}": {
    access: "admin",
    ok: 200,
    request: async () => ({ path: `/api/api-keys/${(await apiKey(["read"])).id}` }),
  },
  "DELETE /api/api-keys/{id}": {
    access: "admin",
    ok: 204,
    request: async () => ({ path: `/api/api-keys/${(await apiKey(["read"])).id}` }),
  },
};

interface Operation {
  security?: Array<Record<string, string[]>>;
  [ACCESS_EXTENSION]?: string;
}
let operations: Map<string, Operation>;

beforeAll(async () => {
  api = await freshApi("security", {
    DELIVERY_QUEUE: new CapturedQueue(),
    RESEND_WEBHOOK_SECRET: RESEND_SECRET,
  });
  await api.patch("/api/settings", { default_sender_email: "sender@sec.example" });
  const doc = (await api.get<{ paths: Record<string, Record<string, Operation>> }>("/api-docs/openapi.json"))
    .body;
  operations = new Map(
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(
        ([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as const,
      ),
    ),
  );
  tokens.readKey = (await apiKey(["read"])).secret;
  tokens.writeKey = (await apiKey(["write"])).secret;
  tokens.adminKey = (await apiKey(["admin"])).secret;
  tokens.viewer = await sessionFor("viewer");
  tokens.member = await sessionFor("member");
  const revoked = await apiKey(["admin"]);
  await api.delete(`/api/api-keys/${revoked.id}`);
  tokens.revokedKey = revoked.secret;
  tokens.loggedOut = await sessionFor("admin");
  await api.as(tokens.loggedOut).post("/api/auth/logout");
  const [, payload] = tokens.member.split(".");
  const claims = JSON.parse(atob((payload ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as Record<
    string,
    unknown
  >;
  const now = Math.floor(Date.now() / 1000);
  tokens.expired = await sign(
    { ...claims, iat: now - 7200, nbf: now - 7200, exp: now - 60 },
    env.CRM_SESSION_SECRET,
    "HS256",
  );
  tokens.forged = await sign(
    { ...claims, role: "admin" },
    "an attacker's guess at the secret, long enough",
    "HS256",
  );
});

async function call(route: string, token: string | undefined, request: Request) {
  const method = route.split(" ")[0] ?? "GET";
  return api.as(token).call(method, request.path, request.body, request.headers);
}

/** The route's path with a placeholder id: requests refused before routing must not depend on ids. */
function placeholder(route: string): Request {
  const path = (route.split(" ")[1] ?? "")
    .replace("{id}", "placeholder0id")
    .replace("{assetId}", "placeholder0asset")
    .replace("{token}", "placeholder0token");
  return { path, ...(route.startsWith("POST") || route.startsWith("PATCH") ? { body: {} } : {}) };
}

describe("every route has an access decision, and the Worker enforces it", () => {
  it("the OpenAPI document and this suite list exactly the same routes and decisions", () => {
    expect([...operations.keys()].sort()).toEqual(Object.keys(ROUTES).sort());
    for (const [route, operation] of operations) {
      const expected = ROUTES[route]?.access;
      expect(operation[ACCESS_EXTENSION], route).toBe(expected);
      if (expected === "public") expect(operation.security, route).toEqual([]);
      else expect(operation.security, route).toEqual([{ [BEARER_SCHEME]: [] }]);
    }
  });

  it("no /api route exists outside the OpenAPI contracts (a plain handler would skip the access decision)", () => {
    const registered = new Set(
      gatewayApp.routes
        .filter((route) => route.method !== "ALL" && route.path.startsWith("/api/"))
        .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, "{$1}")}`),
    );
    expect([...registered].sort()).toEqual(
      Object.keys(ROUTES)
        .filter((route) => route.includes(" /api"))
        .sort(),
    );
  });

  const protectedRoutes = Object.entries(ROUTES).filter(([, route]) => route.access !== "public");

  it.each(protectedRoutes)(
    "%s: 401 without, or with a forged, expired, revoked or logged-out credential",
    async (route) => {
      for (const token of [
        undefined,
        "garbage",
        tokens.forged,
        tokens.expired,
        tokens.revokedKey,
        tokens.loggedOut,
      ]) {
        const response = await call(route, token, placeholder(route));
        expect(response.status, `${route} with ${token?.slice(0, 12)}`).toBe(401);
        expect((response.body as { error: { code: string } }).error.code).toBe("unauthorized");
      }
    },
  );

  it.each(protectedRoutes)(
    "%s: 403 below the required access, the expected success with it",
    async (route, spec) => {
      const denied: string[] =
        spec.access === "write"
          ? [tokens.readKey, tokens.viewer]
          : spec.access === "admin"
            ? [tokens.writeKey, tokens.member, tokens.viewer]
            : [];
      for (const token of denied) {
        const response = await call(route, token, await spec.request());
        expect(response.status, `${route} denied`).toBe(403);
      }
      const least =
        spec.access === "read"
          ? [tokens.readKey, tokens.viewer]
          : spec.access === "write"
            ? [tokens.writeKey, tokens.member]
            : [tokens.adminKey];
      for (const token of least) {
        // Logging out needs a session of its own; every other route can reuse the credential.
        const credential = route === "POST /api/auth/logout" ? await sessionFor("viewer") : token;
        const response = await call(route, credential, await spec.request());
        expect(response.status, `${route}: ${response.text.slice(0, 200)}`).toBe(spec.ok);
      }
    },
  );

  it("public routes answer without a credential", async () => {
    for (const [route, spec] of Object.entries(ROUTES).filter(([, r]) => r.access === "public")) {
      expect((await call(route, undefined, await spec.request())).status, route).toBe(spec.ok);
    }
  });
});

const PAYLOADS = [
  "'; DELETE contact; --",
  "contact:⟨x⟩",
  "contact:x",
  "$auth",
  "$session",
  ") OR true",
  "' OR '1'='1",
  '" OR 1=1 --',
  "1; REMOVE TABLE contact;",
  "SELECT * FROM app_user",
  "⟨⟩`\\",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal template placeholder is the payload
  "${id}",
  "../../etc/passwd",
  "\u0000\u0007",
  "ü🚀中文 ￿",
  "a".repeat(5_000),
];

async function counts() {
  const tables = ["contact", "company", "timeline_entry", "app_user", "api_key", "session"];
  const snapshot: Record<string, unknown> = {};
  const contacts = await api.get<{ data: Contact[] }>("/api/contacts?limit=200&sort=created_at");
  const companies = await api.get<{ data: Company[] }>("/api/companies?limit=200&sort=created_at");
  snapshot.contacts = contacts.body.data;
  snapshot.companies = companies.body.data;
  snapshot.users = (await api.get<{ data: User[] }>("/api/users?limit=200")).body.data;
  snapshot.keys = (await api.get<{ data: unknown[] }>("/api/api-keys?limit=200")).body.data;
  return { snapshot, tables };
}

describe("injection", () => {
  it("payloads in every id segment, query parameter and body string: never a 500, nothing changed", async () => {
    const seeded = await contact();
    const seededCompany = await company();
    const before = await counts();
    const statuses = new Map<number, number>();
    let requests = 0;
    const record = (status: number, what: string) => {
      requests += 1;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect(status, what).not.toBeGreaterThanOrEqual(500);
    };

    // 1. Id segments of every route with an id, with a valid body where one is needed.
    // The RSVP pages (/e/{id}) are probed with the tokens below.
    const idRoutes = Object.keys(ROUTES).filter((route) => route.includes("{id}") && !route.includes(" /e/"));
    const eventBodies: Record<string, unknown> = {
      "POST /api/events/{id}/invite": { contact_ids: ["someone"] },
      "POST /api/events/{id}/rsvp": { contact_id: "someone", status: "registered" },
      "POST /api/events/{id}/check-in": { contact_id: "someone" },
    };
    for (const payload of PAYLOADS) {
      for (const route of idRoutes) {
        const [method, template] = route.split(" ") as [string, string];
        const path = template
          .replace("{id}", encodeURIComponent(payload))
          .replace("{assetId}", encodeURIComponent(payload));
        const body =
          route in eventBodies
            ? eventBodies[route]
            : method === "PATCH"
              ? route.includes("{assetId}")
                ? { content: {} }
                : route.includes("contacts")
                  ? { first_name: "X" }
                  : { name: "X" }
              : undefined;
        const response = await api.call(method, path, body);
        record(response.status, `${route} id=${payload.slice(0, 20)}`);
        expect([404, 422], `${route} id=${payload.slice(0, 20)}`).toContain(response.status);
      }
    }

    // Tokens of the public email links: a payload is never a valid token.
    for (const payload of PAYLOADS) {
      for (const route of ["GET /t/o/{token}", "GET /t/c/{token}", "GET /u/{token}", "POST /u/{token}"]) {
        const [method, template] = route.split(" ") as [string, string];
        const response = await api
          .as(undefined)
          .call(method, template.replace("{token}", encodeURIComponent(payload)));
        record(response.status, `${route} token=${payload.slice(0, 20)}`);
        expect(response.status, `${route} token=${payload.slice(0, 20)}`).toBe(404);
      }
    }
    // The RSVP page: a payload as the event id or as the token is never a valid link.
    const page = await rsvpPage();
    for (const payload of PAYLOADS) {
      const anonymous = api.as(undefined);
      const probes = [
        await anonymous.call("GET", `/e/${encodeURIComponent(payload)}?t=${page.token}`),
        await anonymous.call("GET", `/e/${page.id}?t=${encodeURIComponent(payload)}`),
        await anonymous.call(
          "POST",
          `/e/${page.id}`,
          new URLSearchParams({ t: payload, action: "register" }).toString(),
          {
            "content-type": "application/x-www-form-urlencoded",
          },
        ),
      ];
      for (const response of probes) {
        record(response.status, `/e/ payload=${payload.slice(0, 20)}`);
        expect([404, 422], `/e/ payload=${payload.slice(0, 20)}`).toContain(response.status);
      }
    }

    // Landing pages: a payload as the page, as a form field, as the timing token or as a confirmation
    // token is a 404 or a refusal (422), never stored as a submission and never a 500.
    const landing = await publishedPage();
    for (const payload of PAYLOADS) {
      const anonymous = api.as(undefined);
      const ref = encodeURIComponent(payload);
      const probes = [
        await anonymous.call("GET", `/lp/${ref}`),
        await anonymous.call("GET", `/lp/${ref}/thanks`),
        await anonymous.call("GET", `/lp/${landing.id}/confirm?t=${ref}`),
        await anonymous.call(
          "POST",
          `/lp/${landing.id}/confirm`,
          new URLSearchParams({ t: payload }).toString(),
          FORM_HEADERS,
        ),
        await anonymous.call("POST", `/lp/${ref}/submit`, await landingSubmission(landing), FORM_HEADERS),
        await anonymous.call(
          "POST",
          `/lp/${landing.id}/submit`,
          (await landingSubmission(landing)).replace(/email=[^&]*/, `email=${ref}`),
          FORM_HEADERS,
        ),
        await anonymous.call(
          "POST",
          `/lp/${landing.id}/submit`,
          (await landingSubmission(landing)).replace(/_t=[^&]*/, `_t=${ref}`),
          FORM_HEADERS,
        ),
        await anonymous.call("POST", `/lp/${landing.id}/submit`, { email: payload, _consent: payload }),
      ];
      for (const response of probes) {
        record(response.status, `/lp/ payload=${payload.slice(0, 20)}`);
        expect([404, 422], `/lp/ payload=${payload.slice(0, 20)}`).toContain(response.status);
      }
    }

    // 2. Every query parameter of every list route.
    const lists: Array<[string, string[]]> = [
      [
        "/api/contacts",
        [
          "search",
          "status",
          "tag",
          "company",
          "min_engagement",
          "max_engagement",
          "created_after",
          "sort",
          "cursor",
          "limit",
        ],
      ],
      ["/api/companies", ["search", "industry", "size", "tag", "sort", "cursor", "limit"]],
      [`/api/contacts/${seeded.id}/timeline`, ["type", "cursor", "limit"]],
      [`/api/companies/${seededCompany.id}/contacts`, ["search", "status", "tag", "sort", "cursor"]],
      ["/api/users", ["role", "sort", "cursor"]],
      ["/api/api-keys", ["sort", "cursor"]],
      ["/api/campaigns", ["search", "status", "objective", "channel", "sort", "cursor"]],
      ["/api/segments", ["search", "sort", "cursor"]],
      ["/api/outbox", ["campaign", "to", "sort", "cursor"]],
      ["/api/webhooks", ["sort", "cursor"]],
      ["/api/events", ["when", "type", "campaign", "sort", "cursor"]],
      ["/api/landing-pages", ["status", "campaign", "sort", "cursor"]],
      ["/api/analytics/contacts", ["range", "top"]],
      [`/api/analytics/campaign/${(await campaign()).id}`, ["from", "to"]],
      ["/api/analytics/funnel", ["campaign", "range"]],
      ["/api/analytics/engagement", ["limit", "level"]],
      [`/lp/${landing.slug}`, ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"]],
    ];
    for (const payload of PAYLOADS) {
      for (const [path, params] of lists) {
        for (const param of params) {
          const response = await api.get(`${path}?${param}=${encodeURIComponent(payload)}`);
          record(response.status, `${path}?${param}=${payload.slice(0, 20)}`);
          expect([200, 422], `${path}?${param}`).toContain(response.status);
        }
      }
    }

    // 3. Every string field of every body; stored values are the payload itself, never executed.
    const bodies: Array<[string, (p: string) => Record<string, unknown>]> = [
      ["/api/contacts", (p) => ({ first_name: p, last_name: "L", email: `${unique()}@inj.example` })],
      ["/api/contacts", (p) => ({ first_name: "F", last_name: p, email: `${unique()}@inj.example` })],
      ["/api/contacts", (p) => ({ first_name: "F", last_name: "L", email: p })],
      [
        "/api/contacts",
        (p) => ({ first_name: "F", last_name: "L", email: `${unique()}@inj.example`, phone: p }),
      ],
      [
        "/api/contacts",
        (p) => ({ first_name: "F", last_name: "L", email: `${unique()}@inj.example`, linkedin_url: p }),
      ],
      [
        "/api/contacts",
        (p) => ({ first_name: "F", last_name: "L", email: `${unique()}@inj.example`, tags: [p] }),
      ],
      [
        "/api/contacts",
        (p) => ({ first_name: "F", last_name: "L", email: `${unique()}@inj.example`, company: p }),
      ],
      ["/api/companies", (p) => ({ name: p })],
      ["/api/companies", (p) => ({ name: "C", domain: p })],
      ["/api/companies", (p) => ({ name: "C", industry: p })],
      ["/api/timeline", (p) => ({ contact: target.id, type: "note", content: p })],
      ["/api/timeline", (p) => ({ contact: p, type: "note", content: "x" })],
      [
        "/api/timeline",
        (p) => ({ contact: target.id, type: "note", content: "x", metadata: { [p.slice(0, 100)]: p } }),
      ],
      ["/api/users", (p) => ({ email: `${unique()}@inj.example`, name: p, password: PASSWORD })],
      ["/api/users", (p) => ({ email: p, name: "N", password: PASSWORD })],
      ["/api/api-keys", (p) => ({ name: p, scopes: ["read"] })],
      ["/api/campaigns", (p) => ({ name: p, objective: "awareness", channels: ["email"] })],
      ["/api/segments", (p) => ({ name: p, tree: SEGMENT.tree })],
      [
        "/api/segments/preview",
        (p) => ({ tree: { field: "first_name", op: "contains", value: p.slice(0, 200) } }),
      ],
      ["/api/segments/preview", (p) => ({ tree: { field: "tags", op: "in", value: [p.slice(0, 50)] } })],
      [
        "/api/segments/preview",
        (p) => ({ tree: { field: "campaign.opened", op: "eq", value: p.slice(0, 64) } }),
      ],
      ["/api/segments/preview", (p) => ({ tree: { field: p.slice(0, 100), op: "eq", value: "x" } })],
      ["/api/campaigns", (p) => ({ name: "C", objective: "awareness", channels: ["email"], prompt: p })],
      ["/api/webhooks", (p) => ({ url: p, events: ["contact.created"], active: false })],
      [
        "/api/webhooks",
        (p) => ({
          url: "https://hooks.example.com/x",
          events: ["contact.created"],
          description: p,
          active: false,
        }),
      ],
      ["/api/events", (p) => ({ ...EVENT, name: p })],
      ["/api/events", (p) => ({ ...EVENT, description: p })],
      ["/api/events", (p) => ({ ...EVENT, location: p })],
      ["/api/events", (p) => ({ ...EVENT, campaign: p })],
      ["/api/landing-pages/generate", (p) => ({ prompt: p })],
      ["/api/landing-pages/generate", (p) => ({ prompt: "x", slug: p })],
      ["/api/landing-pages/generate", (p) => ({ prompt: "x", title: p })],
      ["/api/landing-pages/generate", (p) => ({ prompt: "x", campaign_id: p })],
      ["/api/events", (p) => ({ ...EVENT, start_time: p })],
      ["/api/auth/login", (p) => ({ email: p, password: p })],
      ["/api/analytics/track", (p) => ({ contact: target.id, event: p })],
      ["/api/analytics/track", (p) => ({ contact: p, event: "x" })],
      ["/api/analytics/track", (p) => ({ contact: target.id, event: "x", campaign: p })],
      [
        "/api/analytics/track",
        (p) => ({ contact: target.id, event: "x", properties: { [p.slice(0, 100)]: p } }),
      ],
    ];
    let stored = 0;
    // Entries change their contact's engagement score (as they should), so they go to a contact made
    // after the snapshot rather than to one the snapshot holds.
    const target = await contact();
    for (const payload of PAYLOADS) {
      for (const [path, body] of bodies) {
        const request = body(payload);
        const response = await api.post<Record<string, unknown>>(path, request);
        record(response.status, `${path} ${JSON.stringify(request).slice(0, 60)}`);
        expect([200, 201, 401, 409, 422], path).toContain(response.status);
        if (response.status === 201 && path !== "/api/api-keys") {
          stored += 1;
          for (const [field, value] of Object.entries(request)) {
            if (
              typeof value === "string" &&
              field !== "email" &&
              field !== "password" &&
              value.trim() === value
            ) {
              // A generation's prompt is kept with its provenance, not as a field of its own.
              // A tracked event's name and campaign are kept in its entry's metadata.
              const shown =
                path.endsWith("/generate") && field === "prompt"
                  ? (response.body.metadata as { prompt: unknown }).prompt
                  : path === "/api/analytics/track" && field !== "contact"
                    ? (response.body.metadata as Record<string, unknown>)[field]
                    : response.body[field];
              expect(shown, `${path}.${field}`).toBe(value);
            }
          }
        }
      }
    }

    // Nothing that existed before changed; the tables are all still there.
    const after = await counts();
    const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((row) => [row.id, row]));
    for (const key of ["contacts", "companies", "users", "keys"] as const) {
      const old = byId(before.snapshot[key] as Array<{ id: string }>);
      const now = byId(after.snapshot[key] as Array<{ id: string }>);
      for (const [id, row] of old) {
        if (key === "keys" || key === "users") {
          // last_used_at / last_login_at move as fixtures are used; identity and permissions may not.
          const { last_used_at: _a, last_login_at: _b, ...stable } = row as Record<string, unknown>;
          const {
            last_used_at: _c,
            last_login_at: _d,
            ...stableNow
          } = (now.get(id) ?? {}) as Record<string, unknown>;
          expect(stableNow, `${key} ${id}`).toEqual(stable);
        } else {
          expect(now.get(id), `${key} ${id}`).toEqual(row);
        }
      }
    }
    console.log(
      JSON.stringify({
        suite: "injection",
        payloads: PAYLOADS.length,
        requests,
        stored_verbatim: stored,
        statuses: Object.fromEntries(statuses),
      }),
    );
  });
});

describe("mass assignment", () => {
  it("server-owned fields are refused (422, naming the field) on every create and update", async () => {
    const targets: Array<[string, string, Record<string, unknown>, string[]]> = [
      [
        "POST",
        "/api/contacts",
        { first_name: "M", last_name: "A", email: `${unique()}@ma.example` },
        ["id", "engagement_score", "engagement_level", "created_at", "updated_at"],
      ],
      [
        "PATCH",
        `/api/contacts/${(await contact()).id}`,
        { first_name: "M" },
        ["id", "engagement_score", "created_at", "updated_at"],
      ],
      ["POST", "/api/companies", { name: "MA" }, ["id", "contact_count", "created_at", "updated_at"]],
      [
        "PATCH",
        `/api/companies/${(await company()).id}`,
        { name: "MA" },
        ["id", "contact_count", "created_at"],
      ],
      [
        "POST",
        "/api/timeline",
        { contact: (await contact()).id, type: "note", content: "x" },
        ["id", "created_at", "company"],
      ],
      [
        "POST",
        "/api/users",
        { email: `${unique()}@ma.example`, name: "M", password: PASSWORD },
        ["id", "password_hash", "last_login_at", "created_at"],
      ],
      [
        "PATCH",
        `/api/users/${(await user()).id}`,
        { name: "M" },
        ["id", "email", "password_hash", "last_login_at"],
      ],
      [
        "POST",
        "/api/api-keys",
        { name: "M", scopes: ["read"] },
        ["id", "hash", "prefix", "secret", "last_used_at", "revoked_at", "created_at"],
      ],
      // Campaign status starts at draft: a create may not skip the machine.
      ["POST", "/api/campaigns", CAMPAIGN, ["id", "status", "created_at", "updated_at"]],
      [
        "PATCH",
        `/api/campaigns/${(await campaign()).id}`,
        { name: "MA" },
        ["id", "created_at", "updated_at"],
      ],
      ["POST", "/api/segments", SEGMENT, ["id", "created_at", "updated_at"]],
      ["PATCH", `/api/segments/${(await segment()).id}`, { name: "MA" }, ["id", "created_at"]],
      ["PATCH", "/api/settings", { brand_name: "MA" }, ["updated_at"]],
      // Seats are counted by the RSVP transactions, never written.
      ["POST", "/api/events", EVENT, ["id", "seats_taken", "created_at", "updated_at"]],
      ["PATCH", `/api/events/${(await event()).id}`, { name: "MA" }, ["id", "seats_taken", "created_at"]],
      [
        "POST",
        `/api/events/${(await event()).id}/rsvp`,
        { contact_id: (await contact()).id, status: "registered" },
        ["id", "waitlisted_at", "invite_email", "timestamp"],
      ],
      // A page's status moves only through publish/unpublish; versions and provenance are the server's.
      [
        "POST",
        "/api/landing-pages",
        { title: "MA", content: (await landingPage()).content },
        ["id", "status", "version", "metadata", "url", "published_at", "created_at"],
      ],
      [
        "PATCH",
        `/api/landing-pages/${(await landingPage()).id}`,
        { title: "MA" },
        ["id", "status", "version", "metadata", "url", "published_at", "updated_at"],
      ],
      ["POST", "/api/landing-pages/generate", { prompt: "MA" }, ["status", "content", "version", "metadata"]],
      // A tracked event is a custom_event entry: its type, content and metadata are the server's to build.
      [
        "POST",
        "/api/analytics/track",
        { contact: (await contact()).id, event: "ma" },
        ["id", "type", "content", "metadata", "created_at"],
      ],
      // Provenance and the edited flag are the server's to set.
      ["PATCH", await assetPath(), { content: {} }, ["metadata", "edited", "url", "type", "campaign"]],
    ];
    let attempts = 0;
    for (const [method, path, valid, fields] of targets) {
      for (const field of fields) {
        attempts += 1;
        const response = await api.call<{ error: { details?: Array<{ field: string }> } }>(method, path, {
          ...valid,
          [field]: field.endsWith("_at")
            ? "2000-01-01T00:00:00Z"
            : field === "engagement_score" || field === "contact_count"
              ? 100
              : "x",
        });
        expect(response.status, `${method} ${path} ${field}`).toBe(422);
        expect(
          response.body.error.details?.map((d) => d.field),
          `${method} ${path} ${field}`,
        ).toContain(field);
      }
    }
    console.log(JSON.stringify({ suite: "mass_assignment", attempts }));
  });
});
