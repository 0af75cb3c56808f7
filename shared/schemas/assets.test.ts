import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ASSET_TYPES } from "../domain/campaign-status.ts";
import {
  ASSET_CONTENT_SCHEMAS,
  ASSET_DRAFT_SCHEMAS,
  AssetContentSchema,
  AssetMetadataSchema,
  composeSocialPost,
  countSocialCharacters,
  EmailContentSchema,
  EmailDraftSchema,
  EventInviteContentSchema,
  LandingPageContentSchema,
  parseAssetContent,
  parseAssetDraft,
  SocialPostsContentSchema,
  SocialPostsDraftSchema,
  TimelineSummarySchema,
} from "./assets.ts";

function messages(result: z.ZodSafeParseResult<unknown>): string[] {
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

const EMAIL_DRAFT = {
  subject: "Offline sync is here",
  preview_text: "Work without signal, sync when you're back.",
  heading: "Work anywhere",
  paragraphs: ['Hi {{first_name | "there"}},', "Offline sync is live for every field team."],
  cta: { label: "See how it works", url: "https://fieldwise.io/sync" },
  signoff: "Talk soon,\nMaya",
};

const LANDING = {
  blocks: [
    { type: "hero", headline: "Offline sync", subheadline: "For field teams", cta_label: "Start" },
    { type: "features", items: [{ title: "Works offline", description: "Sync later." }] },
    { type: "social_proof", quotes: [] },
    { type: "faq", items: [{ question: "Is it free?", answer: "For 30 days." }] },
    {
      type: "form",
      fields: [
        { name: "email", label: "Email", type: "email", required: true, options: null },
        { name: "size", label: "Team size", type: "select", required: false, options: ["1-10", "11+"] },
      ],
      submit_label: "Send",
    },
    { type: "footer", text: "Fieldwise · 12 Harbour St, Bristol" },
  ],
};

function socialPost(
  platform: "x" | "linkedin" | "facebook" | "instagram",
  text: string,
  hashtags: string[] = [],
) {
  const character_count = countSocialCharacters(platform, composeSocialPost({ text, hashtags }));
  const limit = { x: 280, linkedin: 3000, facebook: 63206, instagram: 2200 }[platform];
  return { platform, text, hashtags, character_count, limit };
}

describe("email schemas", () => {
  it("accepts a draft and trims its copy", () => {
    const result = EmailDraftSchema.safeParse({ ...EMAIL_DRAFT, subject: "  Offline sync is here  " });
    expect(messages(result)).toEqual([]);
    expect(result.data?.subject).toBe("Offline sync is here");
  });

  it("limits the subject to 120 and the preview to 150 characters, and 1-8 paragraphs", () => {
    expect(messages(EmailDraftSchema.safeParse({ ...EMAIL_DRAFT, subject: "x".repeat(121) }))).toHaveLength(
      1,
    );
    expect(
      messages(EmailDraftSchema.safeParse({ ...EMAIL_DRAFT, preview_text: "x".repeat(151) })),
    ).toHaveLength(1);
    expect(messages(EmailDraftSchema.safeParse({ ...EMAIL_DRAFT, paragraphs: [] }))).toHaveLength(1);
    expect(
      messages(EmailDraftSchema.safeParse({ ...EMAIL_DRAFT, paragraphs: Array(9).fill("p") })),
    ).toHaveLength(1);
  });

  it("needs an http(s) CTA link with a label of at most 40 characters", () => {
    for (const url of ["javascript:alert(1)", "ftp://example.com", "example.com"]) {
      expect(
        messages(EmailDraftSchema.safeParse({ ...EMAIL_DRAFT, cta: { label: "Go", url } })),
      ).toHaveLength(1);
    }
    const longLabel = { ...EMAIL_DRAFT, cta: { label: "x".repeat(41), url: "https://a.io" } };
    expect(messages(EmailDraftSchema.safeParse(longLabel))).toHaveLength(1);
  });

  it("stores the rendered bodies next to the structured fields", () => {
    expect(messages(EmailContentSchema.safeParse(EMAIL_DRAFT))).toEqual([
      "html_body: Invalid input: expected string, received undefined",
      "text_body: Invalid input: expected string, received undefined",
    ]);
    expect(
      EmailContentSchema.safeParse({ ...EMAIL_DRAFT, html_body: "<p>x</p>", text_body: "x" }).success,
    ).toBe(true);
  });
});

describe("social post counting", () => {
  it("counts an X link as 23 characters whatever its length", () => {
    const long = `Read this https://example.com/${"a".repeat(200)}`;
    expect(countSocialCharacters("x", long)).toBe("Read this ".length + 23);
    expect(countSocialCharacters("linkedin", long)).toBe(long.length);
  });

  it("counts code points, not UTF-16 units", () => {
    expect(countSocialCharacters("instagram", "🚀 go")).toBe(4);
  });

  it("appends hashtags the text does not already contain", () => {
    expect(composeSocialPost({ text: "Big day #launch", hashtags: ["launch", "#sync"] })).toBe(
      "Big day #launch\n\n#sync",
    );
  });
});

describe("social post schemas", () => {
  it("accepts one post per platform and strips a leading # from hashtags", () => {
    const result = SocialPostsDraftSchema.safeParse({
      posts: [
        { platform: "x", text: "Offline sync is here", hashtags: ["#OfflineSync"] },
        { platform: "linkedin", text: "Offline sync is here", hashtags: [] },
      ],
    });
    expect(messages(result)).toEqual([]);
    expect(result.data?.posts[0]?.hashtags).toEqual(["OfflineSync"]);
  });

  it("refuses a post over its platform's limit, hashtags included", () => {
    const text = "x".repeat(275);
    expect(SocialPostsDraftSchema.safeParse({ posts: [{ platform: "x", text, hashtags: [] }] }).success).toBe(
      true,
    );
    const over = SocialPostsDraftSchema.safeParse({ posts: [{ platform: "x", text, hashtags: ["launch"] }] });
    expect(messages(over)).toEqual(["posts.0.text: is 284 characters with its hashtags; x allows 280"]);
    const instagram = { platform: "instagram", text: "y".repeat(2201), hashtags: [] };
    expect(SocialPostsDraftSchema.safeParse({ posts: [instagram] }).success).toBe(false);
  });

  it("refuses two posts for the same platform", () => {
    const post = { platform: "x", text: "hi there", hashtags: [] };
    expect(messages(SocialPostsDraftSchema.safeParse({ posts: [post, post] }))).toEqual([
      "posts: at most one post per platform",
    ]);
  });

  it("stores counts and limits that must be the computed ones", () => {
    const good = socialPost("x", "Offline sync: https://fieldwise.io/a-very-long-path-indeed-that-is-long", [
      "sync",
    ]);
    expect(good.character_count).toBe("Offline sync: ".length + 23 + "\n\n#sync".length);
    expect(messages(SocialPostsContentSchema.safeParse({ posts: [good] }))).toEqual([]);
    const typed = { ...good, character_count: 3, limit: 10_000 };
    expect(messages(SocialPostsContentSchema.safeParse({ posts: [typed] }))).toEqual([
      `posts.0.character_count: must be the computed ${good.character_count}`,
      "posts.0.limit: must be 280",
    ]);
  });
});

describe("landing page schema", () => {
  it("accepts ordered blocks with a hero first, one form and a footer last", () => {
    expect(messages(LandingPageContentSchema.safeParse(LANDING))).toEqual([]);
  });

  it("requires a hero, a form and a footer", () => {
    const [hero, features, , , form, footer] = LANDING.blocks;
    expect(messages(LandingPageContentSchema.safeParse({ blocks: [hero, features, footer] }))).toEqual([
      "blocks: needs exactly one form block",
    ]);
    expect(messages(LandingPageContentSchema.safeParse({ blocks: [features, hero, form, footer] }))).toEqual([
      "blocks: must start with the hero block",
    ]);
    expect(messages(LandingPageContentSchema.safeParse({ blocks: [hero, form, features] }))).toEqual([
      "blocks: needs exactly one footer block",
      "blocks: must end with the footer block",
    ]);
  });

  it("keeps markup-like text as typed (the renderer escapes it) but refuses control characters", () => {
    const html = structuredClone(LANDING);
    html.blocks[0] = { type: "hero", headline: "<b>Offline</b> sync", subheadline: "ok", cta_label: "Go" };
    const parsed = LandingPageContentSchema.safeParse(html);
    expect(parsed.success && parsed.data.blocks[0]).toMatchObject({ headline: "<b>Offline</b> sync" });
    const faq = structuredClone(LANDING);
    faq.blocks[3] = { type: "faq", items: [{ question: "Why?", answer: "line\u0000break" }] };
    expect(LandingPageContentSchema.safeParse(faq).success).toBe(false);
  });

  it("refuses an unknown block type", () => {
    const raw = structuredClone(LANDING) as { blocks: unknown[] };
    raw.blocks.splice(1, 0, { type: "html", html: "<div>hi</div>" });
    expect(LandingPageContentSchema.safeParse(raw).success).toBe(false);
  });

  it("checks form fields: identifier names, select options, an email field", () => {
    const withFields = (fields: unknown[]) => {
      const page = structuredClone(LANDING) as { blocks: Record<string, unknown>[] };
      page.blocks[4] = { type: "form", fields, submit_label: "Send" };
      return messages(LandingPageContentSchema.safeParse(page));
    };
    const email = { name: "email", label: "Email", type: "email", required: true, options: null };
    expect(withFields([email])).toEqual([]);
    expect(withFields([{ ...email, name: "E-mail" }])).toHaveLength(2);
    expect(
      withFields([email, { name: "size", label: "Size", type: "select", required: false, options: ["a"] }]),
    ).toEqual(["blocks.4.fields.1.options: a select field needs 2-20 options"]);
    expect(
      withFields([
        email,
        { name: "note", label: "Note", type: "text", required: false, options: ["a", "b"] },
      ]),
    ).toEqual(["blocks.4.fields.1.options: only a select field has options"]);
    expect(withFields([{ ...email, name: "work_email" }])).toEqual([
      "blocks.4.fields: needs a required field named email of type email (a submission becomes a contact by email)",
    ]);
    expect(withFields([email, email])).toEqual(["blocks.4.fields: field names must be unique"]);
  });
});

describe("event invitation and timeline summary schemas", () => {
  it("accept well-formed values and refuse out-of-range ones", () => {
    const invite = {
      subject: "You're invited",
      headline: "Join us",
      body_paragraphs: ["Hi there"],
      details: { when_label: "Tue 3 Feb 2026, 16:00 UTC", where_label: "Online" },
      cta_label: "Save my seat",
    };
    expect(messages(EventInviteContentSchema.safeParse(invite))).toEqual([]);
    expect(EventInviteContentSchema.safeParse({ ...invite, body_paragraphs: [] }).success).toBe(false);

    const summary = {
      summary: "Ada is warming.",
      highlights: ["2026-01-08 · Email click"],
      next_best_action: { action: "Call Ada", reason: "She clicked.", due_in_days: 2 },
      sentiment: "positive",
    };
    expect(messages(TimelineSummarySchema.safeParse(summary))).toEqual([]);
    expect(TimelineSummarySchema.safeParse({ ...summary, summary: "x".repeat(601) }).success).toBe(false);
    expect(TimelineSummarySchema.safeParse({ ...summary, highlights: Array(6).fill("h") }).success).toBe(
      false,
    );
    expect(TimelineSummarySchema.safeParse({ ...summary, sentiment: "ecstatic" }).success).toBe(false);
  });
});

describe("asset content by type", () => {
  it("has a draft and a content schema for every asset type", () => {
    expect(Object.keys(ASSET_DRAFT_SCHEMAS).sort()).toEqual([...ASSET_TYPES].sort());
    expect(Object.keys(ASSET_CONTENT_SCHEMAS).sort()).toEqual([...ASSET_TYPES].sort());
  });

  it("parses content with the schema of the given type", () => {
    expect(parseAssetContent("landing_page", LANDING).success).toBe(true);
    expect(parseAssetContent("email", LANDING).success).toBe(false);
    expect(parseAssetDraft("email", EMAIL_DRAFT).success).toBe(true);
    expect(AssetContentSchema.safeParse(LANDING).success).toBe(true);
  });

  it("describes generation metadata", () => {
    const metadata = {
      provider: "template",
      model: "template-v1",
      fallback_reason: "the model did not answer within 50 ms",
      generated_at: "2026-01-10T00:00:00.000Z",
      prompt: null,
    };
    expect(messages(AssetMetadataSchema.safeParse(metadata))).toEqual([]);
    expect(AssetMetadataSchema.safeParse({ ...metadata, provider: "anthropic" }).success).toBe(false);
  });
});

describe("OpenAPI rendering", () => {
  const schemas = {
    EmailDraft: EmailDraftSchema,
    EmailContent: EmailContentSchema,
    SocialPostsDraft: SocialPostsDraftSchema,
    SocialPostsContent: SocialPostsContentSchema,
    LandingPageContent: LandingPageContentSchema,
    EventInviteContent: EventInviteContentSchema,
    TimelineSummary: TimelineSummarySchema,
    AssetContent: AssetContentSchema,
    AssetMetadata: AssetMetadataSchema,
  };

  it("renders every schema as a named component in the project's generator", () => {
    const app = new OpenAPIHono();
    for (const [name, schema] of Object.entries(schemas)) {
      const route = createRoute({
        method: "post",
        path: `/${name}`,
        request: { body: { content: { "application/json": { schema } } } },
        responses: { 200: { description: "ok", content: { "application/json": { schema } } } },
      });
      app.openapi(route, (c) => c.json({} as never, 200));
    }
    const document = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "assets", version: "1" } });
    const components = document.components?.schemas ?? {};
    for (const name of Object.keys(schemas)) expect(components).toHaveProperty(name);
    expect(JSON.stringify(components.LandingBlock)).toContain('"discriminator"');
  });

  it("converts to JSON Schema without recursion (what a model receives)", () => {
    for (const schema of Object.values(ASSET_DRAFT_SCHEMAS)) {
      const json = JSON.stringify(z.toJSONSchema(schema, { io: "input", cycles: "throw" }));
      expect(json.length).toBeGreaterThan(100);
    }
  });
});
