import { describe, expect, it } from "vitest";
import { ASSET_TYPES, CAMPAIGN_OBJECTIVES, type CampaignObjective } from "../domain/campaign-status.ts";
import {
  ASSET_CONTENT_SCHEMAS,
  ASSET_DRAFT_SCHEMAS,
  type EmailContent,
  EmailContentSchema,
  EventInviteContentSchema,
  type LandingPageContent,
  SOCIAL_LIMITS,
  type SocialPostsContent,
} from "../schemas/assets.ts";
import { DEFAULT_BRAND_SETTINGS } from "../schemas/settings.ts";
import { TEMPLATE_CONFIG } from "./config.ts";
import { PLACEHOLDER_URL } from "./copy.ts";
import { generateAsset } from "./generate.ts";
import { collectStrings, deriveAssetContent } from "./render.ts";
import { TEMPLATE_MODEL_ID, templateAsset } from "./template-provider.ts";
import { assetInput, BRAND, NOW, PROMPT } from "./test-fixtures.ts";

const options = { config: TEMPLATE_CONFIG, now: NOW };

async function email(objective: CampaignObjective) {
  return (await generateAsset("email", assetInput(objective), options)).content as EmailContent;
}

describe("template provider", () => {
  it("is deterministic: the same input gives the same content", async () => {
    for (const type of ASSET_TYPES) {
      const first = await generateAsset(type, assetInput("lead_gen"), options);
      const second = await generateAsset(type, assetInput("lead_gen"), options);
      expect(second).toEqual(first);
    }
  });

  it("produces valid drafts and stored content for every type and objective", async () => {
    for (const objective of CAMPAIGN_OBJECTIVES) {
      for (const type of ASSET_TYPES) {
        const draft = templateAsset(type, assetInput(objective));
        expect(ASSET_DRAFT_SCHEMAS[type].safeParse(draft).error).toBeUndefined();
        const { content, metadata } = await generateAsset(type, assetInput(objective), options);
        expect(ASSET_CONTENT_SCHEMAS[type].safeParse(content).error).toBeUndefined();
        expect(metadata).toEqual({
          provider: "template",
          model: TEMPLATE_MODEL_ID,
          fallback_reason: null,
          generated_at: NOW.toISOString(),
          prompt: null,
        });
      }
    }
  });

  it("takes a different angle and call to action per objective", async () => {
    const emails = await Promise.all(CAMPAIGN_OBJECTIVES.map(email));
    expect(new Set(emails.map((item) => item.cta.label)).size).toBe(CAMPAIGN_OBJECTIVES.length);
    expect(new Set(emails.map((item) => item.subject)).size).toBe(CAMPAIGN_OBJECTIVES.length);
    expect(new Set(emails.map((item) => item.paragraphs.join("\n"))).size).toBe(CAMPAIGN_OBJECTIVES.length);
    const byObjective = Object.fromEntries(
      CAMPAIGN_OBJECTIVES.map((objective, index) => [objective, emails[index]]),
    );
    expect(byObjective.lead_gen?.cta.label).toMatch(/demo/i);
    expect(byObjective.event?.cta.label).toMatch(/seat/i);
    expect(byObjective.early_adopters?.cta.label).toMatch(/early access/i);
    expect(byObjective.investor?.text_body).toMatch(/investor|deck/i);
  });

  it("repeats the prompt's key phrases and the brand name", async () => {
    for (const type of ASSET_TYPES) {
      const { content } = await generateAsset(type, assetInput("lead_gen"), options);
      const text = collectStrings(content).join("\n");
      expect(text, type).toContain("offline sync feature for field teams");
      expect(text, type).toContain("30-day free trial");
      if (type !== "social_post") expect(text, type).toContain("Fieldwise");
    }
    const { content } = await generateAsset("social_post", assetInput("awareness"), options);
    expect(collectStrings(content).join("\n")).toContain("Fieldwise");
  });

  it("uses the extra prompt of this generation first", async () => {
    const input = assetInput("awareness", { prompt: "Focus on battery life in remote areas" });
    const { content, metadata } = await generateAsset("email", input, options);
    // "Focus on" is an instruction to the writer, not copy: the phrase is what remains.
    expect((content as EmailContent).subject).toContain("Battery life in remote areas");
    expect(metadata.prompt).toBe("Focus on battery life in remote areas");
  });

  it("changes with the campaign: another prompt gives other copy", async () => {
    const other = assetInput("lead_gen", {
      campaign: { ...assetInput("lead_gen").campaign, prompt: "Route planning for delivery fleets" },
    });
    const a = await generateAsset("email", assetInput("lead_gen"), options);
    const b = await generateAsset("email", other, options);
    expect(b.content).not.toEqual(a.content);
    expect(collectStrings(b.content).join(" ")).toContain("Route planning for delivery fleets");
  });

  it("writes one post per platform, each within its limit, with computed counts", async () => {
    const longPrompt = `${"Extremely detailed explanation of our field service platform ".repeat(6)}.`;
    for (const prompt of [PROMPT, longPrompt]) {
      const input = assetInput("event", { campaign: { ...assetInput("event").campaign, prompt } });
      const content = (await generateAsset("social_post", input, options)).content as SocialPostsContent;
      expect(content.posts.map((post) => post.platform)).toEqual(["x", "linkedin", "facebook", "instagram"]);
      for (const post of content.posts) {
        expect(post.limit).toBe(SOCIAL_LIMITS[post.platform]);
        expect(post.character_count).toBeGreaterThan(20);
        expect(post.character_count).toBeLessThanOrEqual(post.limit);
        expect(post.hashtags.length).toBeGreaterThan(0);
      }
      expect(content.posts.find((post) => post.platform === "instagram")?.text).toContain("link in bio");
    }
  });

  it("builds a landing page around the objective, with a form that captures an email", async () => {
    const content = (await generateAsset("landing_page", assetInput("investor"), options))
      .content as LandingPageContent;
    expect(content.blocks.map((block) => block.type)).toEqual([
      "hero",
      "features",
      "social_proof",
      "faq",
      "form",
      "footer",
    ]);
    const form = content.blocks.find((block) => block.type === "form");
    expect(form?.fields.map((field) => field.name)).toContain("fund_name");
    expect(form?.submit_label).toBe("Request the deck");
    const footer = content.blocks.at(-1);
    expect(footer).toEqual({
      type: "footer",
      text: "© Fieldwise · 12 Harbour St, Bristol BS1 4RN, UK · https://fieldwise.io",
    });
  });

  it("invites to the event with its name, time and place", async () => {
    const { content } = await generateAsset("event_invite", assetInput("event"), options);
    expect(content).toMatchObject({
      details: { when_label: "Tue 3 Feb 2026, 16:00–17:00 UTC", where_label: "Engine Shed, Bristol" },
    });
    expect(collectStrings(content).join(" ")).toContain("Offline-first field ops: live demo");
  });

  it("personalises with merge tags and links to the brand's site with UTM parameters", async () => {
    const content = await email("lead_gen");
    expect(content.paragraphs[0]).toBe('Hi {{first_name | "there"}},');
    expect(content.cta.url).toBe(
      "https://fieldwise.io/?utm_source=email&utm_medium=email&utm_campaign=offline-sync-launch",
    );
  });

  it("works with the default settings and no prompt, and cleans hostile text", async () => {
    const input = assetInput("awareness", {
      brand: DEFAULT_BRAND_SETTINGS,
      campaign: {
        name: "Spring <script>alert(1)</script> {{evil}}",
        objective: "awareness",
        channels: ["email"],
        prompt: null,
      },
      event: null,
    });
    for (const type of ASSET_TYPES) {
      const { content } = await generateAsset(type, input, options);
      const text = collectStrings(content).join("\n");
      expect(text).not.toMatch(/lorem|ipsum/i);
      expect(text).not.toContain("{{evil}}");
      if (type === "landing_page") expect(text).not.toMatch(/[<>]/);
    }
    const mail = (await generateAsset("email", input, options)).content as EmailContent;
    expect(mail.cta.url.startsWith(PLACEHOLDER_URL)).toBe(true);
    expect(mail.html_body).not.toContain("<script>");
  });

  it("signs off in the brand's voice", async () => {
    const formal = assetInput("awareness", { brand: { ...BRAND, voice: "formal and precise" } });
    const playful = assetInput("awareness", { brand: { ...BRAND, voice: "playful, a little cheeky" } });
    expect(((await generateAsset("email", formal, options)).content as EmailContent).signoff).toMatch(
      /^Kind regards,/,
    );
    expect(((await generateAsset("email", playful, options)).content as EmailContent).signoff).toMatch(
      /^Cheers,/,
    );
  });
});

describe("template drafts stay valid at the edges of their inputs", () => {
  it("a long non-ASCII website path: the link goes untracked instead of over the limit", () => {
    const brand = { ...BRAND, website_url: `https://x.example/${"é".repeat(74)}` };
    const draft = templateAsset("email", assetInput("lead_gen", { brand }));
    expect(draft.cta.url).toBe(brand.website_url);
    expect(() => EmailContentSchema.parse(deriveAssetContent("email", draft, brand))).not.toThrow();
  });

  it("an event location with nothing printable left: 'to be announced', not an empty label", () => {
    const input = assetInput("event");
    const draft = templateAsset("event_invite", {
      ...input,
      event: { ...(input.event as NonNullable<typeof input.event>), location: "<>{}" },
    });
    expect(draft.details.where_label).toBe("Location to be announced");
    expect(() => EventInviteContentSchema.parse(draft)).not.toThrow();
  });
});
