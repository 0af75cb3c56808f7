import { z } from "zod";
import type { AssetType } from "../domain/campaign-status.ts";
import { TimestampSchema } from "./common.ts";

/**
 * Campaign asset content: one schema per asset type, used to validate API edits, stored content and
 * model output alike. "Draft" schemas are what a person or a model writes; the stored ("content")
 * schemas add the fields the server derives from a draft (rendered email bodies, social post counts),
 * so nobody (and no model) ever types HTML or a character count.
 *
 * Draft schemas avoid optional keys (nullable instead) so that the JSON schema handed to a model lists
 * every property as required, which structured-output modes expect.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const HTTP_URL = /^https?:\/\/[^\s/$.?#][^\s]*$/i;

/** A single line of copy: trimmed, non-empty, no control characters. */
function line(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !CONTROL.test(text), "must be a single line without control characters");
}

/** Copy that may span lines (social posts, paragraphs). */
function multiline(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !CONTROL_EXCEPT_NEWLINE.test(text), "must not contain control characters");
}

/**
 * Landing page copy: a single line of text. Any character a person may type is kept (a headline may
 * well say "<50 ms"); the page renderer escapes every string, so text is never read as markup.
 */
function plain(max: number) {
  return line(max);
}

export const HttpUrlSchema = z
  .string()
  .trim()
  .max(500)
  .regex(HTTP_URL, "must be an http(s) URL")
  .meta({ example: "https://example.com/launch" });

// ─── Email ───────────────────────────────────────────────────────────────────────────────────────

const emailDraftShape = {
  subject: line(120).meta({ description: "May use merge tags such as {{first_name}}." }),
  preview_text: line(150).meta({ description: "The inbox preview line shown after the subject." }),
  heading: line(150),
  paragraphs: z.array(multiline(1200)).min(1).max(8),
  cta: z
    .object({ label: line(40), url: HttpUrlSchema })
    .meta({ id: "EmailCta", description: "The one button the email asks the reader to press." }),
  signoff: multiline(200).meta({ example: "Talk soon,\nThe Acme team" }),
};

export const EmailDraftSchema = z.object(emailDraftShape).meta({
  id: "EmailDraft",
  description:
    "The structured fields of an email. Merge tags: {{first_name}}, {{last_name}}, {{email}}, " +
    '{{company.name | "there"}}, {{brand.name}}; a quoted default after | is used when the value is empty.',
});

export const EmailContentSchema = z
  .object({
    ...emailDraftShape,
    html_body: z
      .string()
      .max(200_000)
      .meta({ description: "Rendered by the server from the structured fields (never written by hand)." }),
    text_body: z
      .string()
      .max(100_000)
      .meta({ description: "Plain-text alternative, rendered by the server from the structured fields." }),
  })
  .meta({ id: "EmailContent" });

// ─── Social posts ────────────────────────────────────────────────────────────────────────────────

export const SOCIAL_PLATFORMS = ["x", "linkedin", "facebook", "instagram"] as const;
export type SocialPlatform = (typeof SOCIAL_PLATFORMS)[number];

/** Published length limits (characters as each platform counts them). */
export const SOCIAL_LIMITS: Record<SocialPlatform, number> = {
  x: 280,
  linkedin: 3000,
  facebook: 63206,
  instagram: 2200,
};

/** X counts every link as 23 characters (t.co wraps it), whatever its real length. */
const X_URL_LENGTH = 23;
const URL_IN_TEXT = /https?:\/\/[^\s]+/gi;

/**
 * The text a platform receives: the post text, then the hashtags the text does not already contain.
 * Counts and limits apply to this, not to `text` alone.
 */
export function composeSocialPost(post: { text: string; hashtags: readonly string[] }): string {
  const lower = post.text.toLowerCase();
  const extra = post.hashtags
    .map((tag) => `#${tag.replace(/^#/, "")}`)
    .filter((tag) => !lower.includes(tag.toLowerCase()));
  return extra.length === 0 ? post.text : `${post.text}\n\n${extra.join(" ")}`;
}

/**
 * Characters as the platform counts them. Code points everywhere (an emoji built from several code
 * points counts as several, which only ever over-counts, so a post we accept is never too long), and on
 * X every URL counts as 23.
 */
export function countSocialCharacters(platform: SocialPlatform, text: string): number {
  if (platform !== "x") return Array.from(text).length;
  let urls = 0;
  const rest = text.replace(URL_IN_TEXT, () => {
    urls += 1;
    return "";
  });
  return Array.from(rest).length + urls * X_URL_LENGTH;
}

const HashtagSchema = z
  .string()
  .trim()
  .regex(/^#?[^\s#<>]{1,60}$/, "must be one word (letters, digits, _), with or without a leading #")
  .overwrite((tag) => tag.replace(/^#/, ""))
  .meta({ description: "Stored without the leading #.", example: "launchweek" });

const socialPostDraftShape = {
  platform: z.enum(SOCIAL_PLATFORMS),
  text: multiline(SOCIAL_LIMITS.facebook).meta({
    description: "The post body; hashtags not already in it are appended when it is published.",
  }),
  hashtags: z.array(HashtagSchema).max(10),
};

type SocialPostDraftShape = { platform: SocialPlatform; text: string; hashtags: string[] };

function checkWithinLimit(post: SocialPostDraftShape, ctx: z.core.$RefinementCtx<SocialPostDraftShape>) {
  const count = countSocialCharacters(post.platform, composeSocialPost(post));
  const limit = SOCIAL_LIMITS[post.platform];
  if (count > limit) {
    ctx.addIssue({
      code: "custom",
      path: ["text"],
      message: `is ${count} characters with its hashtags; ${post.platform} allows ${limit}`,
    });
  }
}

export const SocialPostDraftSchema = z
  .object(socialPostDraftShape)
  .superRefine(checkWithinLimit)
  .meta({ id: "SocialPostDraft" });

export const SocialPostSchema = z
  .object({
    ...socialPostDraftShape,
    character_count: z
      .int()
      .min(0)
      .meta({ description: "Computed by the server with the platform's counting rule (X: links = 23)." }),
    limit: z
      .int()
      .min(1)
      .meta({ description: "The platform's limit: X 280, LinkedIn 3000, Facebook 63206, Instagram 2200." }),
  })
  .superRefine((post, ctx) => {
    checkWithinLimit(post, ctx);
    const count = countSocialCharacters(post.platform, composeSocialPost(post));
    if (post.character_count !== count) {
      ctx.addIssue({ code: "custom", path: ["character_count"], message: `must be the computed ${count}` });
    }
    if (post.limit !== SOCIAL_LIMITS[post.platform]) {
      ctx.addIssue({ code: "custom", path: ["limit"], message: `must be ${SOCIAL_LIMITS[post.platform]}` });
    }
  })
  .meta({ id: "SocialPost" });

function distinctPlatforms(posts: readonly { platform: SocialPlatform }[]): boolean {
  return new Set(posts.map((post) => post.platform)).size === posts.length;
}

const ONE_POST_PER_PLATFORM = "at most one post per platform";

export const SocialPostsDraftSchema = z
  .object({
    posts: z
      .array(SocialPostDraftSchema)
      .min(1)
      .max(SOCIAL_PLATFORMS.length)
      .refine(distinctPlatforms, ONE_POST_PER_PLATFORM),
  })
  .meta({ id: "SocialPostsDraft", description: "One post per platform (x, linkedin, facebook, instagram)." });

export const SocialPostsContentSchema = z
  .object({
    posts: z
      .array(SocialPostSchema)
      .min(1)
      .max(SOCIAL_PLATFORMS.length)
      .refine(distinctPlatforms, ONE_POST_PER_PLATFORM),
  })
  .meta({ id: "SocialPostsContent" });

// ─── Landing page ────────────────────────────────────────────────────────────────────────────────

export const FORM_FIELD_TYPES = ["text", "email", "tel", "textarea", "select"] as const;

const HeroBlockSchema = z
  .object({
    type: z.literal("hero"),
    headline: plain(120),
    subheadline: plain(250),
    cta_label: plain(40),
  })
  .meta({ id: "LandingHeroBlock" });

const FeaturesBlockSchema = z
  .object({
    type: z.literal("features"),
    items: z
      .array(z.object({ title: plain(80), description: plain(300) }))
      .min(1)
      .max(6),
  })
  .meta({ id: "LandingFeaturesBlock" });

const SocialProofBlockSchema = z
  .object({
    type: z.literal("social_proof"),
    quotes: z
      .array(z.object({ quote: plain(300), author: plain(100) }))
      .min(0)
      .max(4),
  })
  .meta({ id: "LandingSocialProofBlock" });

const FaqBlockSchema = z
  .object({
    type: z.literal("faq"),
    items: z
      .array(z.object({ question: plain(200), answer: plain(600) }))
      .min(1)
      .max(8),
  })
  .meta({ id: "LandingFaqBlock" });

/** Form fields that fill the contact's own fields, and the input each needs. */
const CONTACT_FIELD_TYPES: Record<string, (typeof FORM_FIELD_TYPES)[number]> = {
  first_name: "text",
  last_name: "text",
  email: "email",
  phone: "tel",
  linkedin_url: "text",
};
/** Names that are properties of every object: never a field's name. */
const RESERVED_FIELD_NAMES = new Set(["constructor", "prototype", "hasownproperty", "tostring", "valueof"]);

const FormFieldSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, "must be an identifier: lowercase letters, digits, _ (max 40)")
      .meta({ example: "company_name" }),
    label: plain(80),
    type: z.enum(FORM_FIELD_TYPES),
    required: z.boolean(),
    options: z
      .array(plain(80))
      .max(20)
      .nullable()
      .meta({ description: "The choices of a select field (2-20); null for other types." }),
  })
  .superRefine((field, ctx) => {
    // A field named like a contact field fills that field, so it must ask for that kind of value.
    const expected = CONTACT_FIELD_TYPES[field.name];
    if (expected && field.type !== expected) {
      ctx.addIssue({
        code: "custom",
        path: ["type"],
        message: `a field named ${field.name} must be of type ${expected}`,
      });
    }
    if (RESERVED_FIELD_NAMES.has(field.name)) {
      ctx.addIssue({ code: "custom", path: ["name"], message: `${field.name} is a reserved name` });
    }
    const count = field.options?.length ?? 0;
    if (field.type === "select" && count < 2) {
      ctx.addIssue({ code: "custom", path: ["options"], message: "a select field needs 2-20 options" });
    }
    if (field.type !== "select" && count > 0) {
      ctx.addIssue({ code: "custom", path: ["options"], message: "only a select field has options" });
    }
  })
  .meta({ id: "LandingFormField" });

const FormBlockSchema = z
  .object({
    type: z.literal("form"),
    fields: z
      .array(FormFieldSchema)
      .min(1)
      .max(6)
      .refine(
        (fields) => new Set(fields.map((field) => field.name)).size === fields.length,
        "field names must be unique",
      )
      .refine(
        (fields) =>
          fields.some((field) => field.name === "email" && field.type === "email" && field.required),
        "needs a required field named email of type email (a submission becomes a contact by email)",
      ),
    submit_label: plain(40),
  })
  .meta({ id: "LandingFormBlock" });

const FooterBlockSchema = z
  .object({ type: z.literal("footer"), text: plain(300) })
  .meta({ id: "LandingFooterBlock" });

export const LandingBlockSchema = z
  .discriminatedUnion("type", [
    HeroBlockSchema,
    FeaturesBlockSchema,
    SocialProofBlockSchema,
    FaqBlockSchema,
    FormBlockSchema,
    FooterBlockSchema,
  ])
  .meta({ id: "LandingBlock" });

export type LandingBlock = z.infer<typeof LandingBlockSchema>;

function countOf(blocks: readonly LandingBlock[], type: LandingBlock["type"]): number {
  return blocks.filter((block) => block.type === type).length;
}

export const LandingPageContentSchema = z
  .object({
    blocks: z
      .array(LandingBlockSchema)
      .min(3)
      .max(12)
      .superRefine((blocks, ctx) => {
        for (const type of ["hero", "form", "footer"] as const) {
          if (countOf(blocks, type) !== 1) {
            ctx.addIssue({ code: "custom", message: `needs exactly one ${type} block` });
          }
        }
        if (blocks[0]?.type !== "hero")
          ctx.addIssue({ code: "custom", message: "must start with the hero block" });
        if (blocks.at(-1)?.type !== "footer") {
          ctx.addIssue({ code: "custom", message: "must end with the footer block" });
        }
      }),
  })
  .meta({
    id: "LandingPageContent",
    description:
      "Ordered blocks rendered by the server: exactly one hero (first), one form and one footer (last). " +
      "Text only: every string is escaped when the page is rendered, so markup shows as typed.",
  });

/** The landing page has nothing derived: the draft is the content. */
export const LandingPageDraftSchema = LandingPageContentSchema;

// ─── Event invitation ────────────────────────────────────────────────────────────────────────────

export const EventInviteContentSchema = z
  .object({
    subject: line(120),
    headline: line(150),
    body_paragraphs: z.array(multiline(800)).min(1).max(5),
    details: z
      .object({
        when_label: line(120).meta({ example: "Tue 3 Feb 2026, 16:00–17:00 UTC" }),
        where_label: line(200).meta({ example: "Online (the link arrives after you register)" }),
      })
      .meta({ id: "EventInviteDetails" }),
    cta_label: line(40),
  })
  .meta({ id: "EventInviteContent" });

export const EventInviteDraftSchema = EventInviteContentSchema;

// ─── Timeline summary ────────────────────────────────────────────────────────────────────────────

export const SUMMARY_SENTIMENTS = ["positive", "neutral", "negative", "unknown"] as const;

export const TimelineSummarySchema = z
  .object({
    summary: multiline(600),
    highlights: z.array(line(240)).max(5),
    next_best_action: z
      .object({
        action: line(200),
        reason: line(300),
        due_in_days: z.int().min(0).max(90),
      })
      .meta({ id: "NextBestAction" }),
    sentiment: z.enum(SUMMARY_SENTIMENTS),
  })
  .meta({ id: "TimelineSummary" });

// ─── All asset types ─────────────────────────────────────────────────────────────────────────────

/** What a model (or a person editing) fills, per asset type. */
export const ASSET_DRAFT_SCHEMAS = {
  email: EmailDraftSchema,
  social_post: SocialPostsDraftSchema,
  landing_page: LandingPageDraftSchema,
  event_invite: EventInviteDraftSchema,
} as const satisfies Record<AssetType, z.ZodType>;

/** What is stored and served, per asset type. */
export const ASSET_CONTENT_SCHEMAS = {
  email: EmailContentSchema,
  social_post: SocialPostsContentSchema,
  landing_page: LandingPageContentSchema,
  event_invite: EventInviteContentSchema,
} as const satisfies Record<AssetType, z.ZodType>;

export const AssetContentSchema = z
  .union([EmailContentSchema, SocialPostsContentSchema, LandingPageContentSchema, EventInviteContentSchema])
  .meta({
    id: "AssetContent",
    description: "The content of an asset; its shape depends on the asset's type.",
  });

export const AssetMetadataSchema = z
  .object({
    provider: z.enum(["openai", "template"]).meta({ description: "Who produced the content." }),
    model: z.string().meta({ example: "gpt-4o-mini" }),
    fallback_reason: z
      .string()
      .nullable()
      .meta({ description: "Why the configured model was not used (the template provider stood in)." }),
    generated_at: TimestampSchema,
    prompt: z.string().nullable().meta({ description: "The extra instruction given for this generation." }),
  })
  .meta({ id: "AssetMetadata" });

export type EmailDraft = z.infer<typeof EmailDraftSchema>;
export type EmailContent = z.infer<typeof EmailContentSchema>;
export type SocialPostDraft = z.infer<typeof SocialPostDraftSchema>;
export type SocialPost = z.infer<typeof SocialPostSchema>;
export type SocialPostsDraft = z.infer<typeof SocialPostsDraftSchema>;
export type SocialPostsContent = z.infer<typeof SocialPostsContentSchema>;
export type LandingPageContent = z.infer<typeof LandingPageContentSchema>;
export type LandingPageDraft = LandingPageContent;
export type EventInviteContent = z.infer<typeof EventInviteContentSchema>;
export type EventInviteDraft = EventInviteContent;
export type TimelineSummary = z.infer<typeof TimelineSummarySchema>;
export type AssetMetadata = z.infer<typeof AssetMetadataSchema>;

export type AssetDraftByType = { [T in AssetType]: z.infer<(typeof ASSET_DRAFT_SCHEMAS)[T]> };
export type AssetContentByType = { [T in AssetType]: z.infer<(typeof ASSET_CONTENT_SCHEMAS)[T]> };
export type AssetDraft = AssetDraftByType[AssetType];
export type AssetContent = AssetContentByType[AssetType];

/** Validates stored (or served) content for an asset type; the issues are ready for a 422. */
export function parseAssetContent<T extends AssetType>(
  type: T,
  value: unknown,
): z.ZodSafeParseResult<AssetContentByType[T]> {
  return ASSET_CONTENT_SCHEMAS[type].safeParse(value) as z.ZodSafeParseResult<AssetContentByType[T]>;
}

/** Validates a draft (a person's edit or a model's output) for an asset type. */
export function parseAssetDraft<T extends AssetType>(
  type: T,
  value: unknown,
): z.ZodSafeParseResult<AssetDraftByType[T]> {
  return ASSET_DRAFT_SCHEMAS[type].safeParse(value) as z.ZodSafeParseResult<AssetDraftByType[T]>;
}
