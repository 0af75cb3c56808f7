import { fromBase64Url, toBase64Url } from "../auth/encoding.ts";

/**
 * Signed tokens in the links of a sent email: the open pixel (`/t/o/…`), click redirects (`/t/c/…`)
 * and unsubscribe (`/u/…`). A token is `base64url(JSON payload).base64url(HMAC-SHA256)`; it names the
 * delivery it belongs to and, for a click, the one URL it may redirect to. Nothing in a token can be
 * changed without the secret, so a forged or edited token is refused and a click can only ever lead
 * to a link that was in the message we sent (no open redirect).
 */
export type TrackingToken =
  | { kind: "open"; delivery: string }
  | { kind: "click"; delivery: string; url: string }
  /** `rsvp`: the key is an RSVP's (an event invitation email), not a campaign delivery's. */
  | { kind: "unsubscribe"; delivery: string; rsvp?: boolean }
  /** A personal RSVP link (`/e/{event}?t=…`): this contact, this event and no other. */
  | { kind: "rsvp"; event: string; contact: string }
  /**
   * A landing page form as rendered (`_t`): which page, when (ms, for the minimum fill time), the
   * visit's UTM parameters and referrer (the form's post carries neither), and a hash of the consent
   * wording shown (so what is recorded is what was seen).
   */
  | {
      kind: "form";
      page: string;
      at: number;
      utm?: Record<string, string>;
      referrer?: string;
      consent?: string;
    }
  /** A double opt-in confirmation link: the pending consent record it confirms. */
  | { kind: "optin"; consent: string };

type Wire = {
  k: "o" | "c" | "u" | "r" | "f" | "i";
  d: string;
  u?: string;
  e?: string;
  r?: 1;
  t?: number;
  m?: Record<string, string>;
  f?: string;
  h?: string;
};

const KIND_CODES = { open: "o", click: "c", unsubscribe: "u", rsvp: "r", form: "f", optin: "i" } as const;

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(`tracking-token:${secret}`),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

/** Signs tokens with one key (import it once per message batch, not per link). */
export class TokenSigner {
  readonly #key: Promise<CryptoKey>;

  constructor(secret: string) {
    this.#key = hmacKey(secret);
  }

  async sign(token: TrackingToken): Promise<string> {
    const wire: Wire =
      token.kind === "rsvp"
        ? { k: "r", d: token.contact, e: token.event }
        : token.kind === "form"
          ? {
              k: "f",
              d: token.page,
              t: token.at,
              ...(token.utm && Object.keys(token.utm).length > 0 ? { m: token.utm } : {}),
              ...(token.referrer ? { f: token.referrer } : {}),
              ...(token.consent ? { h: token.consent } : {}),
            }
          : token.kind === "optin"
            ? { k: "i", d: token.consent }
            : { k: KIND_CODES[token.kind], d: token.delivery };
    if (token.kind === "click") wire.u = token.url;
    if (token.kind === "unsubscribe" && token.rsvp) wire.r = 1;
    const payload = toBase64Url(new TextEncoder().encode(JSON.stringify(wire)));
    const signature = await crypto.subtle.sign("HMAC", await this.#key, new TextEncoder().encode(payload));
    return `${payload}.${toBase64Url(new Uint8Array(signature))}`;
  }

  /** The token's contents, or undefined when it is malformed, forged or of another kind. */
  async verify<K extends TrackingToken["kind"]>(
    text: string,
    kind: K,
  ): Promise<Extract<TrackingToken, { kind: K }> | undefined> {
    if (text.length > 4096) return undefined;
    const [payload, signature, extra] = text.split(".");
    if (!payload || !signature || extra !== undefined) return undefined;
    let valid = false;
    try {
      valid = await crypto.subtle.verify(
        "HMAC",
        await this.#key,
        fromBase64Url(signature),
        new TextEncoder().encode(payload),
      );
    } catch {
      return undefined;
    }
    if (!valid) return undefined;
    let wire: Wire;
    try {
      wire = JSON.parse(new TextDecoder().decode(fromBase64Url(payload))) as Wire;
    } catch {
      return undefined;
    }
    if (wire.k !== KIND_CODES[kind] || typeof wire.d !== "string") return undefined;
    if (kind === "rsvp") {
      if (typeof wire.e !== "string") return undefined;
      return { kind, event: wire.e, contact: wire.d } as Extract<TrackingToken, { kind: K }>;
    }
    if (kind === "form") {
      if (typeof wire.t !== "number" || !Number.isFinite(wire.t)) return undefined;
      const utm =
        wire.m && typeof wire.m === "object"
          ? Object.fromEntries(Object.entries(wire.m).filter(([, value]) => typeof value === "string"))
          : undefined;
      return {
        kind,
        page: wire.d,
        at: wire.t,
        ...(utm ? { utm } : {}),
        ...(typeof wire.f === "string" ? { referrer: wire.f } : {}),
        ...(typeof wire.h === "string" ? { consent: wire.h } : {}),
      } as Extract<TrackingToken, { kind: K }>;
    }
    if (kind === "optin") return { kind, consent: wire.d } as Extract<TrackingToken, { kind: K }>;
    if (kind === "click") {
      if (typeof wire.u !== "string" || !/^https?:\/\//i.test(wire.u)) return undefined;
      return { kind, delivery: wire.d, url: wire.u } as Extract<TrackingToken, { kind: K }>;
    }
    if (kind === "unsubscribe" && wire.r === 1) {
      return { kind, delivery: wire.d, rsvp: true } as Extract<TrackingToken, { kind: K }>;
    }
    return { kind, delivery: wire.d } as Extract<TrackingToken, { kind: K }>;
  }
}
