/**
 * Landing page rules without I/O: slugs, what a form submission does to a contact, and how long a
 * person needs to fill a form. Unit-tested in landing.test.ts.
 */

const SLUG_MAX = 80;

/** A URL slug from any text: ASCII letters and digits joined by single hyphens (accents dropped). */
export function slugify(text: string, fallback = "page"): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, SLUG_MAX)
    .replace(/-+$/g, "");
  return slug || fallback;
}

/** The first free slug among `base`, `base-2`, `base-3`, … given the slugs already taken. */
export function firstFreeSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, SLUG_MAX - suffix.length).replace(/-+$/g, "")}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The tag a page gives its contacts by default: `lp-<slug>`, within the 50-character tag limit. */
export function pageTag(slug: string): string {
  return `lp-${slug}`.slice(0, 50).replace(/-+$/g, "");
}

/** The last name of a contact whose form asked for none; a later form's real one replaces it. */
export const UNKNOWN_NAME = "(unknown)";

/** Contact fields a form can fill. */
export interface ContactFields {
  first_name?: string | null;
  last_name?: string | null;
  phone?: string | null;
  linkedin_url?: string | null;
}

export const FILLABLE_FIELDS = ["first_name", "last_name", "phone", "linkedin_url"] as const;

export interface KeptValue {
  field: (typeof FILLABLE_FIELDS)[number];
  stored: string;
  submitted: string;
}

/**
 * What a submission from a known contact changes: empty fields are filled; a different non-empty
 * value is kept as it is and reported (never overwritten silently; a person decides).
 */
export function mergeKnownContact(
  stored: ContactFields,
  submitted: Record<string, string>,
): { fill: Partial<Record<(typeof FILLABLE_FIELDS)[number], string>>; kept: KeptValue[] } {
  const fill: Partial<Record<(typeof FILLABLE_FIELDS)[number], string>> = {};
  const kept: KeptValue[] = [];
  for (const field of FILLABLE_FIELDS) {
    const value = submitted[field];
    if (value === undefined) continue;
    const current = stored[field];
    const empty = current === undefined || current === null || current === "" || current === UNKNOWN_NAME;
    if (empty) fill[field] = value;
    else if (current !== value) kept.push({ field, stored: current, submitted: value });
  }
  return { fill, kept };
}

/**
 * Names for a new contact whose form did not ask for them (contacts need both): from the address,
 * `jane.doe@…` → Jane / Doe; a single word gets the last name "(unknown)".
 */
export function namesFromEmail(email: string): { first_name: string; last_name: string } {
  const local = (email.split("@")[0] ?? "").split("+")[0] ?? "";
  const words = local
    .split(/[._-]+/)
    .filter((word) => /[a-z]/i.test(word))
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  const first = (words[0] ?? local) || "Visitor";
  const last = words.slice(1).join(" ") || UNKNOWN_NAME;
  return { first_name: first.slice(0, 100), last_name: last.slice(0, 100) };
}

/** People need a few seconds to read and fill a form; a faster post is a bot (or a double post). */
export const MIN_FILL_MS = 3_000;
/** A rendered form's timing token is accepted for this long (the page may sit in a tab for days). */
export const FORM_TOKEN_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export type FillTimeVerdict = "ok" | "too_fast" | "expired";

/** Judges the time between the form's rendering and its submission. */
export function judgeFillTime(renderedAt: number, now: number, minFillMs = MIN_FILL_MS): FillTimeVerdict {
  const elapsed = now - renderedAt;
  if (elapsed < minFillMs) return "too_fast";
  if (elapsed > FORM_TOKEN_MAX_AGE_MS) return "expired";
  return "ok";
}

/** The UTM parameters kept with a page view and a submission. */
export const UTM_KEYS = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"] as const;
export type UtmKey = (typeof UTM_KEYS)[number];
export type Utm = Partial<Record<UtmKey, string>>;

/** UTM values from a query, trimmed, at most 200 characters, control characters removed. */
export function utmOf(query: Record<string, string | undefined>): Utm {
  const utm: Utm = {};
  for (const key of UTM_KEYS) {
    const value = query[key]
      ?.replace(/\p{Cc}/gu, "")
      .trim()
      .slice(0, 200);
    if (value) utm[key] = value;
  }
  return utm;
}

/**
 * The referrer worth keeping: an http(s) origin and path (no query or fragment, which may carry
 * someone's personal data), at most 500 characters; anything else is dropped.
 */
export function referrerOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try {
    const url = new URL(header);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    return `${url.origin}${url.pathname}`.slice(0, 500);
  } catch {
    return undefined;
  }
}
