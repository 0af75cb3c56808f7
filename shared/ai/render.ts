import type { AssetType } from "../domain/campaign-status.ts";
import {
  type AssetContentByType,
  type AssetDraftByType,
  composeSocialPost,
  countSocialCharacters,
  type EmailContent,
  type EmailDraft,
  SOCIAL_LIMITS,
  type SocialPost,
  type SocialPostsDraft,
} from "../schemas/assets.ts";
import type { BrandSettings } from "../schemas/settings.ts";

/**
 * Merge tags and email rendering. Content is stored with merge tags (`{{first_name}}`,
 * `{{company.name | "there"}}`); they are filled per contact only at preview or send time. Only the
 * allow-listed tags are ever replaced: anything else between `{{ }}` stays visible and is reported, so a
 * typo is seen in the preview instead of silently sending an empty string.
 */

export const MERGE_TAGS = ["first_name", "last_name", "email", "company.name", "brand.name"] as const;
export type MergeTag = (typeof MERGE_TAGS)[number];

/** The contact fields merge tags read. */
export interface MergeContact {
  first_name: string;
  last_name: string;
  email: string;
  company_name: string | null;
}

export interface MergeResult<T> {
  content: T;
  /** Tags that are not on the allow-list (or are malformed), as written, each once. */
  unknownTags: string[];
}

/** Used when a tag has no value and no default of its own, so a greeting never reads "Hi ,". */
const BUILT_IN_DEFAULTS: Record<MergeTag, string> = {
  first_name: "there",
  last_name: "",
  email: "",
  "company.name": "your team",
  "brand.name": "",
};

const TAG = /\{\{([^{}]*)\}\}/g;
// `name`, optionally `| "default"` (or 'default'); in HTML the quotes may arrive escaped as &quot;.
const TAG_BODY = /^\s*([a-z_.]+)\s*(?:\|\s*(?:"([^"]*)"|'([^']*)'|&quot;(.*?)&quot;|&#39;(.*?)&#39;)\s*)?$/;

function isMergeTag(name: string): name is MergeTag {
  return (MERGE_TAGS as readonly string[]).includes(name);
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

function unescapeHtml(text: string): string {
  return text
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}

export type MergeValues = Partial<Record<MergeTag, string | null>>;

export function mergeValues(contact: MergeContact, brand: BrandSettings): MergeValues {
  return {
    first_name: contact.first_name,
    last_name: contact.last_name,
    email: contact.email,
    "company.name": contact.company_name,
    "brand.name": brand.brand_name,
  };
}

/**
 * Replaces the allow-listed tags in `template`. `mode: "html"` escapes every inserted value (a default
 * taken from HTML is unescaped first, so it is never double-escaped); `"text"` inserts values as they
 * are; `"url"` percent-encodes them (a tag inside a link).
 */
export function applyMergeTags(
  template: string,
  values: MergeValues,
  mode: "html" | "text" | "url" = "text",
): MergeResult<string> {
  const unknown = new Set<string>();
  const content = template.replace(TAG, (raw, body: string) => {
    const match = TAG_BODY.exec(body);
    const name = match?.[1];
    if (!match || !name || !isMergeTag(name)) {
      unknown.add(raw);
      return raw;
    }
    const given = match[2] ?? match[3] ?? match[4] ?? match[5];
    const fallback =
      given === undefined ? BUILT_IN_DEFAULTS[name] : mode === "html" ? unescapeHtml(given) : given;
    const value = values[name]?.trim() || fallback;
    if (mode === "html") return escapeHtml(value);
    if (mode === "url") return encodeURIComponent(value);
    return value;
  });
  return { content, unknownTags: [...unknown] };
}

/** Every tag in `text` that is not on the allow-list. */
export function findUnknownTags(text: string): string[] {
  return applyMergeTags(text, {}).unknownTags;
}

/** Every string inside a JSON-like value, depth first. */
export function collectStrings(value: unknown, into: string[] = []): string[] {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value !== null && typeof value === "object") {
    for (const item of Object.values(value)) collectStrings(item, into);
  }
  return into;
}

// ─── Email ───────────────────────────────────────────────────────────────────────────────────────

const FONT = "font-family:Arial,Helvetica,sans-serif;";

/** Escaped text with line breaks kept. */
function htmlLines(text: string): string {
  return escapeHtml(text).replaceAll("\n", "<br>");
}

/**
 * A simple, single-column email: table layout and inline styles (what email clients support), a hidden
 * preview line, real heading and paragraph elements for screen readers, one button-styled link with
 * sufficient contrast, and the brand's postal address in the footer (anti-spam laws require one). Every
 * piece of copy is escaped; merge tags survive escaping and are filled at send time.
 */
/** What only a sent message has: its unsubscribe link and open pixel (previews have neither). */
export interface EmailSendExtras {
  unsubscribeUrl: string;
  /** Campaign emails only: event invitations are not open-tracked. */
  openPixelUrl?: string;
}

export function renderEmailHtml(draft: EmailDraft, brand: BrandSettings, extras?: EmailSendExtras): string {
  const paragraphs = draft.paragraphs
    .map(
      (paragraph) =>
        `<p style="margin:0 0 16px 0;${FONT}font-size:16px;line-height:24px;color:#1f2937;">${htmlLines(paragraph)}</p>`,
    )
    .join("\n");
  const address = brand.postal_address.trim();
  const unsubscribe = extras
    ? `<a href="${escapeHtml(extras.unsubscribeUrl)}" style="color:#4b5563;text-decoration:underline;">Unsubscribe</a> from these emails.`
    : "";
  const footer = [escapeHtml(brand.brand_name), address ? htmlLines(address) : "", unsubscribe]
    .filter(Boolean)
    .join("<br>");
  const pixel = extras?.openPixelUrl
    ? `\n<img src="${escapeHtml(extras.openPixelUrl)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;">`
    : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(draft.subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="display:none;max-height:0;overflow:hidden;opacity:0;" aria-hidden="true">${escapeHtml(draft.preview_text)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f3f4f6;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background-color:#ffffff;border-radius:8px;">
<tr><td style="padding:32px 32px 8px 32px;">
<h1 style="margin:0 0 16px 0;${FONT}font-size:24px;line-height:32px;color:#111827;">${escapeHtml(draft.heading)}</h1>
${paragraphs}
</td></tr>
<tr><td style="padding:8px 32px 24px 32px;">
<a href="${escapeHtml(draft.cta.url)}" style="display:inline-block;padding:12px 24px;background-color:#1d4ed8;color:#ffffff;${FONT}font-size:16px;font-weight:bold;line-height:24px;text-decoration:none;border-radius:6px;">${escapeHtml(draft.cta.label)}</a>
</td></tr>
<tr><td style="padding:0 32px 32px 32px;${FONT}font-size:16px;line-height:24px;color:#1f2937;">${htmlLines(draft.signoff)}</td></tr>
</table>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;">
<tr><td style="padding:16px 32px;${FONT}font-size:12px;line-height:18px;color:#4b5563;">${footer}</td></tr>
</table>
</td></tr>
</table>${pixel}
</body>
</html>
`;
}

export function renderEmailText(
  draft: EmailDraft,
  brand: BrandSettings,
  extras?: Pick<EmailSendExtras, "unsubscribeUrl">,
): string {
  const footer = [
    brand.brand_name,
    brand.postal_address.trim(),
    extras ? `Unsubscribe: ${extras.unsubscribeUrl}` : "",
  ]
    .filter(Boolean)
    .join("\n");
  return [
    draft.heading,
    ...draft.paragraphs,
    `${draft.cta.label}: ${draft.cta.url}`,
    draft.signoff,
    `--\n${footer}`,
  ]
    .join("\n\n")
    .concat("\n");
}

export function emailDraftOf(content: EmailDraft): EmailDraft {
  const { subject, preview_text, heading, paragraphs, cta, signoff } = content;
  return { subject, preview_text, heading, paragraphs, cta, signoff };
}

function withCounts(post: SocialPostsDraft["posts"][number]): SocialPost {
  return {
    platform: post.platform,
    text: post.text,
    hashtags: post.hashtags,
    character_count: countSocialCharacters(post.platform, composeSocialPost(post)),
    limit: SOCIAL_LIMITS[post.platform],
  };
}

/**
 * Stored content from a draft: the email's bodies rendered, each social post's count and limit
 * computed. Not validated here: callers parse the result with `ASSET_CONTENT_SCHEMAS[type]`.
 */
export function deriveAssetContent<T extends AssetType>(
  type: T,
  draft: AssetDraftByType[T],
  brand: BrandSettings,
): AssetContentByType[T] {
  // The casts tie the runtime `type` check to the generic: TypeScript cannot narrow T from it.
  if (type === "email") {
    const email = emailDraftOf(draft as EmailDraft);
    const content: EmailContent = {
      ...email,
      html_body: renderEmailHtml(email, brand),
      text_body: renderEmailText(email, brand),
    };
    return content as AssetContentByType[T];
  }
  if (type === "social_post") {
    const social = draft as SocialPostsDraft;
    return { posts: social.posts.map(withCounts) } as AssetContentByType[T];
  }
  return draft as unknown as AssetContentByType[T];
}

/** Fills merge tags in every string of a JSON-like value (object keys are left alone). */
function mergeDeep(value: unknown, values: MergeValues, unknown: Set<string>, urlKey = false): unknown {
  if (typeof value === "string") {
    const result = applyMergeTags(value, values, urlKey ? "url" : "text");
    for (const tag of result.unknownTags) unknown.add(tag);
    return result.content;
  }
  if (Array.isArray(value)) return value.map((item) => mergeDeep(item, values, unknown));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, mergeDeep(item, values, unknown, key === "url")]),
    );
  }
  return value;
}

/** An email's structured fields with one contact's merge tags filled in (bodies are rendered after). */
export function mergeEmailDraft(
  content: EmailDraft,
  contact: MergeContact,
  brand: BrandSettings,
): MergeResult<EmailDraft> {
  const unknown = new Set<string>();
  const draft = mergeDeep(emailDraftOf(content), mergeValues(contact, brand), unknown) as EmailDraft;
  return { content: draft, unknownTags: [...unknown] };
}

/**
 * The content as one contact would receive it: merge tags filled in every text field (values go in as
 * plain text, and into links percent-encoded); an email's HTML and text bodies are rendered again from
 * the merged fields, so inserted values are escaped in HTML and plain in text.
 */
export function renderForContact<T extends AssetType>(
  type: T,
  content: AssetContentByType[T],
  contact: MergeContact,
  brand: BrandSettings,
): MergeResult<AssetContentByType[T]> {
  const unknown = new Set<string>();
  const values = mergeValues(contact, brand);
  if (type === "email") {
    // The stored bodies are derived, so they are rebuilt rather than merged.
    const merged = mergeEmailDraft(content as EmailContent, contact, brand);
    return {
      content: deriveAssetContent("email", merged.content, brand) as AssetContentByType[T],
      unknownTags: merged.unknownTags,
    };
  }
  const merged = mergeDeep(content, values, unknown) as AssetDraftByType[T];
  return { content: deriveAssetContent(type, merged, brand), unknownTags: [...unknown] };
}
