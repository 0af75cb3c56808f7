import { z } from "zod";
import { pageTag } from "../domain/landing.ts";
import { AssetMetadataSchema, HttpUrlSchema, LandingPageContentSchema } from "./assets.ts";
import { CampaignObjectiveSchema } from "./campaign.ts";
import { PaginationQuerySchema, pageOf, RecordKeySchema, sortParam, TimestampSchema } from "./common.ts";
import { ShortTextSchema, TagSchema } from "./fields.ts";

/**
 * Landing pages: AI-drafted blocks (LandingPageContent) plus what the public page and its form need
 * (slug, consent wording, thank-you, redirect, double opt-in). The same schemas drive the management
 * API, the stored rows and the renderer.
 */

export const LANDING_PAGE_STATUSES = ["draft", "published"] as const;
export const LandingPageStatusSchema = z.enum(LANDING_PAGE_STATUSES).meta({
  id: "LandingPageStatus",
  description: "Only published pages are served at /lp/{id} and /lp/{slug}.",
});

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/;
export const SlugSchema = z
  .string()
  .max(200)
  .trim()
  .toLowerCase()
  .regex(SLUG_PATTERN, "must be 1-80 lowercase letters, digits or inner hyphens (e.g. spring-launch)")
  .meta({ example: "spring-launch" });

const ConsentTextSchema = ShortTextSchema(500).meta({
  description: "The consent checkbox's exact wording, recorded with every submission that ticks it.",
  example: "I agree to receive emails from Acme about this offer. I can unsubscribe at any time.",
});

export const LandingPageSettingsSchema = z
  .object({
    consent_text: ConsentTextSchema.nullable().meta({
      description: "The consent checkbox's wording (it must be ticked to submit); null: no checkbox.",
    }),
    double_opt_in: z.boolean().meta({
      description: "Email a confirmation link; consent counts as given only once it is followed.",
    }),
    thank_you_message: ShortTextSchema(300),
    redirect_url: HttpUrlSchema.nullable().meta({
      description: "Where a successful submission goes (303) instead of the thank-you page.",
    }),
    tag: TagSchema.meta({ description: "Added to every contact who submits the form." }),
  })
  .refine((settings) => !settings.double_opt_in || settings.consent_text !== null, {
    path: ["double_opt_in"],
    message: "needs a consent_text: the confirmation confirms the consent the checkbox asked for",
  })
  .meta({ id: "LandingPageSettings" });

export type LandingPageSettings = z.infer<typeof LandingPageSettingsSchema>;

/** Some of the settings (an edit, or a create's overrides); the merged result is checked whole. */
export const LandingPageSettingsPartialSchema = z
  .strictObject(LandingPageSettingsSchema.shape)
  .partial()
  .meta({ id: "LandingPageSettingsPatch" });

/** A new page's settings: a consent checkbox naming the brand, no double opt-in, tag lp-<slug>. */
export function defaultLandingSettings(brandName: string, slug: string): LandingPageSettings {
  return {
    consent_text: `I agree to receive emails from ${brandName} about this. I can unsubscribe at any time.`,
    double_opt_in: false,
    thank_you_message: "Thank you! We have received your details and will be in touch soon.",
    redirect_url: null,
    tag: pageTag(slug),
  };
}

export const LandingPageSchema = z
  .object({
    id: RecordKeySchema,
    campaign: RecordKeySchema.nullable(),
    title: z.string().meta({ description: "The page's name in the dashboard and its <title>." }),
    slug: z.string(),
    status: LandingPageStatusSchema,
    content: LandingPageContentSchema,
    settings: LandingPageSettingsSchema,
    metadata: AssetMetadataSchema.nullable().meta({ description: "How the content was generated." }),
    version: z
      .number()
      .int()
      .meta({ description: "Bumped by every change to what visitors see (it names the page's ETag)." }),
    url: z.string().meta({ description: "The public address (/lp/{slug})." }),
    published_at: TimestampSchema.nullable(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .meta({ id: "LandingPage" });

export type LandingPage = z.infer<typeof LandingPageSchema>;

export const LandingPageGenerateSchema = z
  .strictObject({
    prompt: z.string().max(2000).trim().min(1).meta({
      description: "What the page is for (treated as data for the generator, not as instructions).",
      example: "A waitlist for our offline-first notes app for field researchers",
    }),
    campaign_id: RecordKeySchema.optional().meta({ description: "The campaign the page belongs to." }),
    objective: CampaignObjectiveSchema.optional().meta({
      description:
        "What the page is for when it has no campaign (default lead_gen): early_adopters for a waitlist, " +
        "event for a registration page, and so on. With a campaign, the campaign's objective.",
    }),
    slug: SlugSchema.optional().meta({ description: "Default: from the headline, made unique." }),
    title: ShortTextSchema(200).optional(),
  })
  .meta({ id: "LandingPageGenerate" });

export const LandingPageCreateSchema = z
  .strictObject({
    title: ShortTextSchema(200),
    slug: SlugSchema.optional().meta({ description: "Default: from the title, made unique." }),
    campaign: RecordKeySchema.optional(),
    content: LandingPageContentSchema,
    settings: LandingPageSettingsPartialSchema.optional().meta({
      description:
        "Defaults: a consent checkbox naming the brand, no double opt-in, a thank-you message, tag lp-<slug>.",
    }),
  })
  .meta({ id: "LandingPageCreate", description: "A page from blocks written by hand (no generation)." });

export type LandingPageCreate = z.infer<typeof LandingPageCreateSchema>;

export const LandingPagePatchSchema = z
  .strictObject({
    title: ShortTextSchema(200).optional(),
    slug: SlugSchema.optional(),
    content: LandingPageContentSchema.optional(),
    settings: LandingPageSettingsPartialSchema.optional(),
    campaign: RecordKeySchema.nullable().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: "send at least one field to change" })
  .meta({ id: "LandingPagePatch" });

export type LandingPagePatch = z.infer<typeof LandingPagePatchSchema>;

export const LandingPageListQuerySchema = PaginationQuerySchema.extend({
  status: LandingPageStatusSchema.optional(),
  campaign: RecordKeySchema.optional(),
  sort: sortParam(["created_at", "updated_at", "slug"] as const, "-created_at"),
});

export const LandingPagePageSchema = pageOf(LandingPageSchema, "LandingPage");

export const CONSENT_ACTIONS = [
  "opted_in",
  "opt_in_pending",
  "opt_in_confirmed",
  "unsubscribed",
  "bounced",
  "complained",
  "resubscribed",
] as const;

export const ConsentSchema = z
  .object({
    id: RecordKeySchema,
    contact: RecordKeySchema.nullable(),
    page: RecordKeySchema.nullable().meta({ description: "The landing page whose form it came from." }),
    campaign: RecordKeySchema.nullable(),
    action: z.enum(CONSENT_ACTIONS).meta({
      description:
        "opted_in (form, single opt-in), opt_in_pending (double opt-in: link sent), opt_in_confirmed (link " +
        "followed), unsubscribed, bounced, complained, resubscribed.",
    }),
    source: z.string().meta({ example: "landing_page" }),
    text: z.string().nullable().meta({ description: "The exact consent wording the visitor agreed to." }),
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    at: TimestampSchema,
  })
  .meta({ id: "ConsentRecord", description: "One entry of a contact's consent log, with its evidence." });

export type Consent = z.infer<typeof ConsentSchema>;

export const ConsentLogSchema = z.object({ data: z.array(ConsentSchema) }).meta({ id: "ConsentLog" });
