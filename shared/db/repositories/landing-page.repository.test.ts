import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { templateAsset } from "../../ai/template-provider.ts";
import { assetInput } from "../../ai/test-fixtures.ts";
import { AppError } from "../../errors/index.ts";
import { LandingPageContentSchema } from "../../schemas/assets.ts";
import { defaultLandingSettings } from "../../schemas/landing-page.ts";
import { freshDatabase } from "../../testing/node/database.ts";
import type { DbClient } from "../client.ts";
import { createRepositories, type LandingPageRow, type Repositories } from "./index.ts";

/**
 * The landing page repository against a real SurrealDB: slugs under concurrency, submissions that
 * race for one new address, the consent log, and a campaign asset published as a page.
 */
let db: DbClient;
let repos: Repositories;

beforeAll(async () => {
  ({ db } = await freshDatabase("landing_repo"));
  repos = createRepositories(db);
});
afterAll(async () => {
  await db.close();
});

const CONTENT = LandingPageContentSchema.parse(templateAsset("landing_page", assetInput("lead_gen")));
const unique = () => crypto.randomUUID().slice(0, 8);

function newPage(slug: string, fields: Partial<Parameters<Repositories["landingPages"]["create"]>[0]> = {}) {
  return repos.landingPages.create({
    title: "Launch",
    slug,
    slugIsBase: true,
    campaign: null,
    content: CONTENT,
    settings: defaultLandingSettings("Acme", slug),
    metadata: null,
    status: "published",
    ...fields,
  });
}

function submission(page: LandingPageRow, email: string, values: Record<string, string> = {}) {
  return repos.landingPages.submit({
    page,
    email,
    values: { email, ...values },
    consent: { text: page.settings.consent_text ?? "", ip: "192.0.2.1", userAgent: "UA/1" },
    utm: { utm_source: "newsletter" },
    now: new Date(),
  });
}

describe("slugs", () => {
  it("five pages created at once from one base slug get five different slugs", async () => {
    const base = `race-${unique()}`;
    const pages = await Promise.all(Array.from({ length: 5 }, () => newPage(base)));
    expect(new Set(pages.map((page) => page.slug)).size).toBe(5);
    expect(pages.map((page) => page.slug)).toContain(base);
  });

  it("long slugs (shortened before their suffix) still get the next free variant", async () => {
    const base = `${unique()}${"a".repeat(80)}`.slice(0, 80);
    const slugs: string[] = [];
    for (let i = 0; i < 4; i++) slugs.push((await newPage(base)).slug);
    expect(new Set(slugs).size).toBe(4);
    expect(slugs.every((slug) => slug.length <= 80)).toBe(true);
  });

  it("an explicit slug in use is a duplicate naming the field; an unknown campaign is refused", async () => {
    const slug = `fixed-${unique()}`;
    await newPage(slug, { slugIsBase: false });
    const error = await newPage(slug, { slugIsBase: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("duplicate");
    const campaign = await newPage(`c-${unique()}`, { campaign: "nope" }).catch((e: unknown) => e);
    expect((campaign as AppError).code).toBe("validation_failed");
  });
});

describe("submissions", () => {
  it("the first two submissions of one new address at once make one contact with both entries", async () => {
    const page = await newPage(`sub-${unique()}`);
    const email = `twice.${unique()}@example.com`;
    const results = await Promise.all([submission(page, email), submission(page, email.toUpperCase())]);
    expect(new Set(results.map((result) => result.contact)).size).toBe(1);
    expect(results.map((result) => result.created).sort()).toEqual([false, true]);
    const [counts] = await db.query<[Array<{ type: string; count: number }>]>(
      "SELECT type, count() AS count FROM timeline_entry WHERE contact = type::record('contact', $id) GROUP BY type",
      { id: results[0]?.contact },
    );
    expect(counts).toEqual([
      { type: "form_submission", count: 2 },
      { type: "landing_page_visit", count: 2 },
    ]);
    const contact = await repos.contacts.require(results[0]?.contact ?? "");
    expect(contact).toMatchObject({
      email,
      status: "lead",
      source: `landing_page:${page.slug}`,
      tags: [page.settings.tag],
    });
    expect(contact.first_name).toBe("Twice");
    const log = await repos.landingPages.consentLog(contact.id);
    expect(log.map((row) => [row.action, row.page, row.ip, row.user_agent])).toEqual([
      ["opted_in", page.id, "192.0.2.1", "UA/1"],
      ["opted_in", page.id, "192.0.2.1", "UA/1"],
    ]);
  });

  it("a refused write leaves nothing behind (one transaction)", async () => {
    const page = await newPage(`atomic-${unique()}`);
    const email = `atomic.${unique()}@example.com`;
    // A phone the database refuses: the contact, the entries and the consent all roll back.
    const error = await submission(page, email, { phone: "not a phone" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(await repos.contacts.keyByEmail(email)).toBeNull();
    const [consents] = await db.query<[number[]]>("SELECT VALUE id FROM consent_event WHERE email = $email", {
      email,
    });
    expect(consents).toEqual([]);
  });
});

describe("double opt-in", () => {
  it("a pending consent's email is claimed once, released for a retry, and confirmed once", async () => {
    const slug = `optin-${unique()}`;
    const page = await newPage(slug, {
      settings: { ...defaultLandingSettings("Acme", slug), double_opt_in: true },
    });
    const result = await submission(page, `opt.${unique()}@example.com`);
    const pending = result.pendingConsent ?? "";
    expect(pending).not.toBe("");
    const now = new Date();
    const [first, second] = await Promise.all([
      repos.landingPages.claimOptInEmail(pending, now),
      repos.landingPages.claimOptInEmail(pending, now),
    ]);
    const states = [first?.state, second?.state].sort();
    expect(states).toEqual(["claimed", "held"]);
    // The one that lost is told when the lease lapses (10 minutes), so its retry comes back then.
    const held = [first, second].find((claim) => claim?.state === "held");
    expect(held?.state === "held" && held.retryInSeconds).toBeGreaterThan(590);
    await repos.landingPages.recordOptInEmail(pending, "retry");
    expect((await repos.landingPages.claimOptInEmail(pending, now)).state).toBe("claimed");
    // A lapsed lease (the holder died) can be claimed again; the sweep lists it meanwhile.
    const later = new Date(now.getTime() + 11 * 60_000);
    expect(await repos.landingPages.unsentOptIns(later, 10)).toContain(pending);
    expect((await repos.landingPages.claimOptInEmail(pending, later)).state).toBe("claimed");
    await repos.landingPages.recordOptInEmail(pending, "sent");
    const hourLater = new Date(now.getTime() + 3_600_000);
    expect((await repos.landingPages.claimOptInEmail(pending, hourLater)).state).toBe("done");
    expect(await repos.landingPages.unsentOptIns(hourLater, 10)).not.toContain(pending);

    const evidence = { ip: "192.0.2.9", userAgent: "Mail/2" };
    expect(await repos.landingPages.confirmConsent(pending, evidence)).toMatchObject({ confirmedNow: true });
    expect(await repos.landingPages.confirmConsent(pending, evidence)).toMatchObject({ confirmedNow: false });
    const log = await repos.landingPages.consentLog(result.contact);
    expect(log.map((row) => row.action)).toEqual(["opt_in_confirmed", "opt_in_pending"]);
    expect(log[0]).toMatchObject({ ip: "192.0.2.9", user_agent: "Mail/2", text: page.settings.consent_text });
  });
});

describe("a campaign's landing page asset", () => {
  it("is published under the asset's key once; a later run publishes that page as it is", async () => {
    const [campaign] = await db.query<[{ id: { id: string } }]>(
      "CREATE ONLY campaign CONTENT { name: 'Asset launch', objective: 'lead_gen', channels: ['landing_page'] }",
    );
    const key = `asset${unique()}`;
    const input = {
      key,
      campaign: String(campaign.id.id),
      title: "Asset launch",
      content: CONTENT,
      metadata: null,
      settings: (slug: string) => defaultLandingSettings("Acme", slug),
    };
    const [a, b] = await Promise.all([
      repos.landingPages.publishFromAsset(input),
      repos.landingPages.publishFromAsset(input),
    ]);
    expect(a.id).toBe(key);
    expect(b.id).toBe(key);
    expect(a.status).toBe("published");
    await repos.landingPages.update(key, { title: "Edited by a person" });
    await repos.landingPages.setStatus(key, "draft");
    const again = await repos.landingPages.publishFromAsset(input);
    expect(again).toMatchObject({ title: "Edited by a person", status: "published" });
    expect((await repos.landingPages.findPublished(key))?.id).toBe(key);
    expect((await repos.landingPages.findPublished(again.slug))?.id).toBe(key);
  });
});
