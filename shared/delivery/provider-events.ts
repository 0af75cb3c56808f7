import { bytesEqual, fromBase64Url, secretsEqual } from "../auth/encoding.ts";

/**
 * Bounce and complaint notifications from the email providers, verified and normalised. What they
 * report puts the address on the suppression list (shared/db/repositories/suppression.repository.ts).
 */
export interface ProviderEvent {
  kind: "bounced" | "complained";
  email: string;
  /** The provider's id of the message (matches delivery.provider_message_id). */
  providerMessageId: string | null;
  /** Our delivery id, when the provider echoes it back (Postmark's Metadata). */
  delivery: string | null;
}

/** Webhook timestamps older or newer than this are refused (replays). */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

function base64ToBytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    return fromBase64Url(text.replace(/=+$/, ""));
  } catch {
    return undefined;
  }
}

/**
 * Resend signs its webhooks the Svix way: `svix-id`, `svix-timestamp` and `svix-signature` headers,
 * the signature `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the base64 secret after
 * `whsec_` (several space-separated signatures while a secret rotates).
 */
export async function verifySvixSignature(
  secret: string,
  headers: { id?: string | null; timestamp?: string | null; signature?: string | null },
  body: string,
  now = Date.now(),
): Promise<boolean> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) return false;
  const keyBytes = base64ToBytes(secret.replace(/^whsec_/, ""));
  if (!keyBytes || keyBytes.length === 0) return false;
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const expected = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`)),
  );
  return signature.split(" ").some((entry) => {
    const [version, value] = entry.split(",");
    const given = version === "v1" && value ? base64ToBytes(value) : undefined;
    return given !== undefined && bytesEqual(given, expected);
  });
}

/** Postmark webhooks carry HTTP Basic credentials that you put in the webhook's URL. */
export async function verifyBasicAuth(header: string | undefined, user: string, password: string) {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? "");
  if (!match?.[1]) return false;
  let decoded: string;
  try {
    decoded = atob(match[1]);
  } catch {
    return false;
  }
  return secretsEqual(decoded, `${user}:${password}`);
}

const asString = (value: unknown): string | null => (typeof value === "string" && value ? value : null);

/** `email.bounced` / `email.complained` events; other event types are not about consent. */
export function resendEvents(payload: unknown): ProviderEvent[] {
  const event = payload as { type?: unknown; data?: { email_id?: unknown; to?: unknown } } | null;
  const kind =
    event?.type === "email.bounced" ? "bounced" : event?.type === "email.complained" ? "complained" : null;
  if (!kind) return [];
  const to = Array.isArray(event?.data?.to) ? event.data.to : [event?.data?.to];
  return to.flatMap((email) =>
    typeof email === "string" && email.includes("@")
      ? [
          {
            kind,
            email: email.trim().toLowerCase(),
            providerMessageId: asString(event?.data?.email_id),
            delivery: null,
          },
        ]
      : [],
  );
}

/** Hard bounces and spam complaints (a soft bounce is temporary and suppresses nothing). */
export function postmarkEvents(payload: unknown): ProviderEvent[] {
  const event = payload as {
    RecordType?: unknown;
    Type?: unknown;
    Email?: unknown;
    MessageID?: unknown;
    Metadata?: { delivery?: unknown };
  } | null;
  const hard =
    event?.RecordType === "Bounce" && (event.Type === "HardBounce" || event.Type === "BadEmailAddress");
  const kind = hard ? "bounced" : event?.RecordType === "SpamComplaint" ? "complained" : null;
  const email = asString(event?.Email);
  if (!kind || !email?.includes("@")) return [];
  return [
    {
      kind,
      email: email.trim().toLowerCase(),
      providerMessageId: asString(event?.MessageID),
      delivery: asString(event?.Metadata?.delivery),
    },
  ];
}

/** Signs a body the Svix way (what Resend sends); for tests and local tools that play the provider. */
export async function svixHeaders(secret: string, id: string, body: string, now = Date.now()) {
  const timestamp = String(Math.floor(now / 1000));
  const keyBytes = base64ToBytes(secret.replace(/^whsec_/, "")) ?? new Uint8Array();
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const signature = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`)),
  );
  let binary = "";
  for (const byte of signature) binary += String.fromCharCode(byte);
  return { id, timestamp, signature: `v1,${btoa(binary)}` };
}
