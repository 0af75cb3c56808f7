/**
 * Field rules for contacts and companies (PRODUCT.md, "Validation"). Pure functions: the zod schemas
 * in `shared/schemas` call them, and the SCHEMAFULL ASSERTs in `shared/db/migrations` encode the same
 * patterns (a repository test proves the two agree on the same table of examples).
 */

export const LIMITS = {
  nameLength: 100,
  companyNameLength: 200,
  emailLength: 254,
  emailLocalLength: 64,
  phoneMin: 7,
  phoneMax: 20,
  tagLength: 50,
  tagCount: 50,
  domainLength: 253,
  industryLength: 100,
  urlLength: 300,
} as const;

// Lowercase only: emails are normalised before they are checked. The local part is dot-atoms
// (no leading, trailing or doubled dots); the domain is dot-separated labels ending in a TLD of at
// least two letters.
const EMAIL_PATTERN =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;
const PHONE_PATTERN = /^[0-9 ()+.-]{7,20}$/;
const LINKEDIN_PATTERN = /^https?:\/\/(www\.)?linkedin\.com\/in\/[A-Za-z0-9_%-]{2,100}\/?$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const TAG_PATTERN = /^[\p{L}\p{N}_-]{1,50}$/u;
const DOMAIN_PATTERN = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,10}$/;

export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Expects a normalised (trimmed, lowercased) address. */
export function isValidEmail(email: string): boolean {
  if (email.length > LIMITS.emailLength) return false;
  const at = email.lastIndexOf("@");
  if (at < 1 || at > LIMITS.emailLocalLength) return false;
  return EMAIL_PATTERN.test(email);
}

export function isValidPhone(phone: string): boolean {
  return PHONE_PATTERN.test(phone) && /[0-9]/.test(phone);
}

export function isValidLinkedinUrl(url: string): boolean {
  return url.length <= LIMITS.urlLength && LINKEDIN_PATTERN.test(url);
}

/** Expects a trimmed name. */
export function isValidName(name: string, maxLength: number = LIMITS.nameLength): boolean {
  return name.length >= 1 && name.length <= maxLength && !CONTROL_CHARACTERS.test(name);
}

export function normalizeTag(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Expects a normalised tag. */
export function isValidTag(tag: string): boolean {
  return TAG_PATTERN.test(tag);
}

/** Normalises every tag and drops duplicates, keeping the first occurrence's position. */
export function normalizeTags(raw: readonly string[]): string[] {
  return [...new Set(raw.map(normalizeTag))];
}

/**
 * A company's domain as stored: lowercase, without protocol, `www.`, path or trailing dot, so that
 * `https://www.Acme.com/` and `acme.com` are recognised as the same company.
 */
export function normalizeDomain(raw: string): string {
  let domain = raw.trim().toLowerCase();
  domain = domain.replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
  domain = domain.replace(/\/+$/, "").replace(/\.$/, "");
  if (domain.startsWith("www.")) domain = domain.slice(4);
  return domain;
}

/** Expects a normalised domain. */
export function isValidDomain(domain: string): boolean {
  return domain.length <= LIMITS.domainLength && DOMAIN_PATTERN.test(domain);
}
