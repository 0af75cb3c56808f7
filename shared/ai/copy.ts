/**
 * Text helpers for the template provider: cleaning user text so it can be quoted in copy, finding the
 * key phrases of a campaign prompt, and deterministic choices (the same input always gives the same
 * copy, different campaigns get different variants). Pure, runtime-independent (no Intl, whose output
 * differs between ICU versions).
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * One line of user text, safe to quote anywhere in generated copy: no control characters, no markup
 * brackets, no braces (which could form merge tags), single spaces.
 */
export function cleanText(text: string): string {
  return text
    .replace(CONTROL, " ")
    .replace(/[<>{}]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** At most `max` characters, cut at a word boundary, with an ellipsis when something was cut. */
export function clip(text: string, max: number, ellipsis = "…"): string {
  if (Array.from(text).length <= max) return text;
  const room = Array.from(text)
    .slice(0, Math.max(1, max - ellipsis.length))
    .join("");
  const space = room.lastIndexOf(" ");
  const cut = space > room.length * 0.5 ? room.slice(0, space) : room;
  return `${cut.replace(/[\s,;:.\-–—]+$/, "")}${ellipsis}`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "a", "a and b", "a, b and c". */
export function listPhrase(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

const INSTRUCTION_PREFIX =
  /^(?:(?:please|also|and|then|just)\s+)*(?:(?:we|i)\s+(?:want|need|would like|'d like)\s+(?:you\s+)?to\s+)?(?:write|create|draft|make|generate|promote|announce|highlight|mention|emphasi[sz]e|stress|focus on|talk about|cover|include|explain|push|tell (?:people|them|everyone|readers) about|invite (?:people|them|everyone) to)\s+/i;
const PHRASE_MAX = 90;

function stripInstruction(clause: string): string {
  return clause
    .replace(INSTRUCTION_PREFIX, "")
    .replace(/^(?:(?:and|but|also|plus|then|so)\s+)+/i, "")
    .replace(/^that\s+/i, "")
    .replace(/^["'“‘]+|["'”’]+$/g, "")
    .trim();
}

function wordsOf(text: string): string[] {
  return text.split(" ").filter(Boolean);
}

/** A long clause split at its conjunctions, or cut at a word boundary as a last resort. */
function shorten(clause: string): string[] {
  if (clause.length <= PHRASE_MAX) return [clause];
  const parts = clause
    .split(/\s+(?:and|with|so that|because|while)\s+/i)
    .map((part) => part.trim())
    .filter((part) => wordsOf(part).length >= 2);
  return parts.length > 1 ? parts.map((part) => clip(part, PHRASE_MAX, "")) : [clip(clause, PHRASE_MAX, "")];
}

/**
 * The phrases of a prompt worth repeating in copy: its sentences and comma clauses, without the
 * instruction verbs people write to a copywriter ("Mention that…", "We want to promote…"), and without
 * short labels before a colon. At most `max`, in order, case-insensitively unique.
 */
export function keyPhrases(sources: readonly (string | null | undefined)[], max = 4): string[] {
  const phrases: string[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    if (!source) continue;
    const text = source.replace(CONTROL, "\n").replace(/[<>{}]/g, "");
    const clauses = text
      .split(/[.!?]+(?=\s|$)|[;\n]+|,\s+|\s[–—-]\s/)
      .flatMap((clause) => {
        const [label, ...rest] = clause.split(":");
        return rest.length > 0 && wordsOf((label ?? "").trim()).length <= 3 ? [rest.join(":")] : [clause];
      })
      .map((clause) => stripInstruction(clause.replace(/\s+/g, " ").trim()))
      .flatMap(shorten);
    for (const clause of clauses) {
      const phrase = clause.replace(/[\s,;:.]+$/, "");
      const key = phrase.toLowerCase();
      if (wordsOf(phrase).length < 2 || seen.has(key)) continue;
      seen.add(key);
      phrases.push(phrase);
      if (phrases.length >= max) return phrases;
    }
  }
  return phrases;
}

/** FNV-1a over the JSON of `value`: a stable seed for choosing between copy variants. */
export function seedOf(value: unknown): number {
  const text = JSON.stringify(value) ?? "";
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A deterministic choice; `salt` keeps different slots of one campaign from moving in lockstep. */
export function pick<T>(items: readonly [T, ...T[]], seed: number, salt: number): T {
  const index = ((seed ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0) % items.length;
  return items[index] ?? items[0];
}

const STOP_WORDS = new Set(
  "a an the and or but of for to in on at by with from our your their my we you us it its is are be this that these those new how why what into about launch launching introducing announcing feature features".split(
    " ",
  ),
);

/** A CamelCase hashtag from the first two meaningful words of `text` (ASCII letters and digits only). */
export function hashtagOf(text: string, words = 2): string | null {
  const picked = text
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9 ]/g, " ")
    .split(" ")
    .filter((word) => word.length > 1 && /^[A-Za-z]/.test(word) && !STOP_WORDS.has(word.toLowerCase()))
    .slice(0, words)
    .map((word) => capitalize(word.toLowerCase()));
  const tag = picked.join("");
  return tag.length >= 2 ? tag.slice(0, 40) : null;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

/** "Tue 3 Feb 2026" in UTC. */
export function formatDay(date: Date): string {
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** "2026-02-03". */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function formatTime(date: Date): string {
  return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

/** "Tue 3 Feb 2026, 16:00–17:00 UTC" (or both days when the event spans several). Null when unparseable. */
export function formatEventWhen(startIso: string, endIso: string): string | null {
  const start = new Date(startIso);
  const end = new Date(endIso);
  if (Number.isNaN(start.getTime())) return null;
  if (Number.isNaN(end.getTime()) || end <= start) return `${formatDay(start)}, ${formatTime(start)} UTC`;
  if (isoDay(start) === isoDay(end))
    return `${formatDay(start)}, ${formatTime(start)}–${formatTime(end)} UTC`;
  return `${formatDay(start)}, ${formatTime(start)} UTC – ${formatDay(end)}, ${formatTime(end)} UTC`;
}

/** Where calls to action point when neither the request nor the brand gives a link: visibly a placeholder. */
export const PLACEHOLDER_URL = "https://example.com/set-your-website-in-settings";

export function isHttpUrl(value: string | null | undefined): value is string {
  return typeof value === "string" && value.length <= 400 && /^https?:\/\/[^\s<>]+$/i.test(value.trim());
}

/** The link calls to action use: the request's, else the brand's website, else the placeholder. */
export function resolveCtaUrl(input: {
  cta_url?: string | null;
  brand: { website_url: string | null };
}): string {
  if (isHttpUrl(input.cta_url)) return input.cta_url.trim();
  if (isHttpUrl(input.brand.website_url)) return input.brand.website_url.trim();
  return PLACEHOLDER_URL;
}
