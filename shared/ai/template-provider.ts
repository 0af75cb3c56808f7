import type { AssetType, CampaignObjective } from "../domain/campaign-status.ts";
import {
  type AssetDraftByType,
  composeSocialPost,
  countSocialCharacters,
  type EmailDraft,
  type EventInviteDraft,
  type LandingBlock,
  type LandingPageDraft,
  SOCIAL_LIMITS,
  type SocialPlatform,
  type SocialPostDraft,
  type SocialPostsDraft,
} from "../schemas/assets.ts";
import {
  capitalize,
  cleanText,
  clip,
  formatEventWhen,
  hashtagOf,
  isHttpUrl,
  keyPhrases,
  pick,
  resolveCtaUrl,
  seedOf,
} from "./copy.ts";
import { type CopyFacts, OBJECTIVE_COPY, type ObjectiveCopy } from "./objectives.ts";
import type { AssetInput } from "./types.ts";

export { templateSummary } from "./template-summary.ts";

/**
 * The built-in, offline content provider: deterministic copy assembled from the campaign (name,
 * objective, prompt), the brand settings and the event. The objective picks the angle and the call to
 * action (objectives.ts); the prompt's key phrases carry the message; a seed from the input picks
 * between phrasings, so the same input always gives the same content. It never invents facts it was not
 * given (no testimonials, prices or dates).
 */

export const TEMPLATE_MODEL_ID = "template-v1";

/** A location that is a link: the link itself is only sent to people who register. */
const ONLINE = "Online";

interface Context {
  objective: CampaignObjective;
  facts: CopyFacts;
  copy: ObjectiveCopy;
  url: string;
  seed: number;
  closing: string;
  signer: string;
  address: string;
  website: string | null;
}

function slugOf(text: string): string {
  return (
    text
      .normalize("NFKD")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "campaign"
  );
}

/** The link with UTM parameters, so clicks from each channel are attributable. */
function trackedUrl(base: string, source: string, medium: string, campaign: string): string {
  try {
    const url = new URL(base);
    url.searchParams.set("utm_source", source);
    url.searchParams.set("utm_medium", medium);
    url.searchParams.set("utm_campaign", slugOf(campaign));
    // Percent-encoding can grow a long non-ASCII path past what a stored link may be (500):
    // then the link goes untracked rather than the draft failing.
    const tracked = url.toString();
    return tracked.length <= 500 ? tracked : base;
  } catch {
    return base;
  }
}

function closingFor(voice: string): string {
  if (/formal|professional|corporate|serious/i.test(voice)) return "Kind regards";
  if (/playful|fun|witty|cheeky|energetic|casual/i.test(voice)) return "Cheers";
  return "Talk soon";
}

function contextOf(input: AssetInput): Context {
  const brand = clip(cleanText(input.brand.brand_name) || "Our team", 60);
  const campaign = clip(cleanText(input.campaign.name) || "Our latest news", 80);
  const phrases = keyPhrases([input.prompt, input.campaign.prompt]).map((phrase) =>
    clip(cleanText(phrase), 90),
  );
  const event = input.event
    ? {
        name: clip(cleanText(input.event.name) || campaign, 80),
        when: formatEventWhen(input.event.start_time, input.event.end_time),
        where: input.event.location.trim()
          ? /^https?:\/\//i.test(input.event.location.trim())
            ? ONLINE
            : clip(cleanText(input.event.location), 100) || null
          : null,
      }
    : null;
  const website = isHttpUrl(input.brand.website_url) ? input.brand.website_url.trim() : null;
  const url = resolveCtaUrl(input);
  const sender = cleanText(input.brand.default_sender_name);
  return {
    facts: { brand, campaign, focus: phrases[0] ?? campaign, details: phrases.slice(1, 4), event },
    objective: input.campaign.objective,
    copy: OBJECTIVE_COPY[input.campaign.objective],
    url,
    seed: seedOf([input.campaign, input.brand.brand_name, input.prompt ?? null, input.event ?? null]),
    closing: closingFor(input.brand.voice),
    signer:
      sender && sender !== brand
        ? `${sender}\n${brand}`
        : /\bteam$/i.test(brand)
          ? brand
          : `The ${brand} team`,
    address: cleanText(input.brand.postal_address.replace(/\s*\n\s*/g, ", ")),
    website,
  };
}

function bullets(items: readonly string[], marker = "•"): string {
  return items.map((item) => `${marker} ${capitalize(item)}`).join("\n");
}

// ─── Email ───────────────────────────────────────────────────────────────────────────────────────

function email(context: Context): EmailDraft {
  const { facts, copy } = context;
  const paragraphs = [
    `Hi {{first_name | "there"}},`,
    clip(copy.opener(facts), 1200),
    ...(facts.details.length > 0 ? [`What's worth knowing:\n${bullets(facts.details)}`] : []),
    copy.ask(facts),
  ];
  return {
    subject: clip(capitalize(pick(copy.subjects, context.seed, 1)(facts)), 120),
    preview_text: clip(`${capitalize(facts.focus)}. ${copy.emailCta} →`, 150),
    heading: clip(capitalize(copy.heading(facts)), 150),
    paragraphs,
    cta: { label: copy.emailCta, url: trackedUrl(context.url, "email", "email", facts.campaign) },
    signoff: `${context.closing},\n${context.signer}`,
  };
}

// ─── Social posts ────────────────────────────────────────────────────────────────────────────────

function hashtagsFor(context: Context): { brand: string | null; focus: string | null; objective: string[] } {
  return {
    brand: hashtagOf(context.facts.brand, 3),
    focus: hashtagOf(context.facts.focus),
    objective: [...context.copy.hashtags],
  };
}

function distinct(tags: readonly (string | null)[], max: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const tag of tags) {
    if (!tag || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    out.push(tag);
  }
  return out.slice(0, max);
}

/** Builds a post, shortening the focus phrase until the platform's limit is met. */
function fitted(
  platform: SocialPlatform,
  hashtags: string[],
  build: (focus: string) => string,
  focus: string,
) {
  for (let room = Array.from(focus).length; room > 0; room -= 10) {
    const post: SocialPostDraft = { platform, text: build(clip(focus, room)), hashtags };
    if (countSocialCharacters(platform, composeSocialPost(post)) <= SOCIAL_LIMITS[platform]) return post;
  }
  return { platform, text: build(clip(focus, 20)), hashtags: hashtags.slice(0, 1) };
}

/** Social posts are not personalised: a merge tag in shared copy becomes its generic reading. */
const MERGE_TAG = /\{\{[^}]*\}\}/g;

function socialPosts(context: Context): SocialPostsDraft {
  const { facts, copy } = context;
  const tags = hashtagsFor(context);
  const link = (source: string) => trackedUrl(context.url, source, "social", facts.campaign);
  const hook = copy.socialHook(facts);
  const when = context.objective === "event" && facts.event?.when ? ` ${facts.event.when}.` : "";
  const details = facts.details.length > 0 ? `\n\n${bullets(facts.details, "→")}` : "";
  const withFocus = (focus: string): CopyFacts => ({ ...facts, focus });
  return {
    posts: [
      fitted(
        "x",
        distinct([tags.focus, tags.objective[0] ?? null], 2),
        (focus) => `${hook}: ${focus}.${when} ${copy.socialCta} → ${link("x")}`,
        facts.focus,
      ),
      fitted(
        "linkedin",
        distinct([tags.brand, tags.focus, ...tags.objective], 3),
        (focus) =>
          `${hook}.\n\n${copy.opener(withFocus(focus)).replace(MERGE_TAG, "your team")}${details}\n\n${copy.ask(facts).replace(MERGE_TAG, "your team")}\n${link("linkedin")}`,
        facts.focus,
      ),
      fitted(
        "facebook",
        distinct([tags.brand, tags.focus], 2),
        (focus) =>
          `${hook}! ${copy.opener(withFocus(focus)).replace(MERGE_TAG, "your team")}\n\n${copy.socialCta}: ${link("facebook")}`,
        facts.focus,
      ),
      fitted(
        "instagram",
        distinct([tags.brand, tags.focus, ...tags.objective], 5),
        (focus) =>
          `${hook}.\n\n${copy.opener(withFocus(focus)).replace(MERGE_TAG, "your team")}${details}\n\n${copy.socialCta}: link in bio.`,
        facts.focus,
      ),
    ],
  };
}

// ─── Landing page ────────────────────────────────────────────────────────────────────────────────

function landingPage(context: Context): LandingPageDraft {
  const { facts, copy } = context;
  const headline = facts.event && context.objective === "event" ? facts.event.name : capitalize(facts.focus);
  const fromPrompt = facts.details.map((detail, index) => ({
    title: clip(capitalize(detail), 80),
    description: copy.featureFrames[index % copy.featureFrames.length] ?? copy.featureFrames[0],
  }));
  const features = [...fromPrompt, ...copy.stockFeatures].slice(0, Math.max(3, fromPrompt.length));
  const footer = [`© ${facts.brand}`, context.address, context.website].filter(Boolean).join(" · ");
  const blocks: LandingBlock[] = [
    {
      type: "hero",
      headline: clip(headline, 120),
      subheadline: clip(copy.subheadline(facts), 250),
      cta_label: copy.heroCta,
    },
    { type: "features", items: features },
    // Testimonials cannot be invented: the block is left for the marketer to fill with real quotes.
    { type: "social_proof", quotes: [] },
    {
      type: "faq",
      items: copy
        .faq(facts)
        .map((item) => ({ question: clip(item.question, 200), answer: clip(item.answer, 600) })),
    },
    {
      type: "form",
      fields: copy.formFields.map((field) => ({
        ...field,
        options: field.options ? [...field.options] : null,
      })),
      submit_label: copy.submitLabel,
    },
    { type: "footer", text: clip(footer, 300) },
  ];
  return { blocks };
}

// ─── Event invitation ────────────────────────────────────────────────────────────────────────────

function eventInvite(context: Context): EventInviteDraft {
  const { facts } = context;
  const event = facts.event ?? { name: facts.campaign, when: null, where: null };
  const invited = { ...facts, event };
  const cover = [facts.focus, ...facts.details];
  return {
    subject: clip(pick(OBJECTIVE_COPY.event.subjects, context.seed, 2)(invited), 120),
    headline: clip(`Join ${facts.brand} at ${event.name}`, 150),
    body_paragraphs: [
      `Hi {{first_name | "there"}},`,
      clip(OBJECTIVE_COPY.event.opener(invited), 800),
      clip(`What we'll cover:\n${bullets(cover)}`, 800),
      OBJECTIVE_COPY.event.ask(invited),
    ],
    details: {
      when_label: event.when ?? "Date and time to be announced",
      where_label:
        event.where === ONLINE
          ? "Online (the link arrives after you register)"
          : (event.where ?? "Location to be announced"),
    },
    cta_label: "Save my seat",
  };
}

/** Deterministic draft content for `type` (validated and derived by the caller). */
export function templateAsset<T extends AssetType>(type: T, input: AssetInput): AssetDraftByType[T] {
  const context = contextOf(input);
  // The casts tie the runtime `type` check to the generic: TypeScript cannot narrow T from it.
  switch (type) {
    case "email":
      return email(context) as AssetDraftByType[T];
    case "social_post":
      return socialPosts(context) as AssetDraftByType[T];
    case "landing_page":
      return landingPage(context) as AssetDraftByType[T];
    default:
      return eventInvite(context) as AssetDraftByType[T];
  }
}
