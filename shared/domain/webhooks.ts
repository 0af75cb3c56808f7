/**
 * Outgoing webhooks (NotificationService): what can be subscribed to, and where a webhook may be sent.
 * A webhook URL is chosen by a user and fetched by our servers, so it must never reach our own
 * network: only https, only public hosts (no loopback, private, link-local, CGNAT, multicast or
 * reserved addresses, no single-label or local names). Pure checks on the URL here; the address the
 * name resolves to is checked at send time where the runtime allows (shared/delivery).
 */
export const WEBHOOK_EVENTS = [
  "contact.created",
  "contact.updated",
  "campaign.completed",
  "form.submitted",
  "rsvp.changed",
  "social.post_scheduled",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

function ipv4Parts(host: string): number[] | undefined {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return undefined;
  const numbers = parts.map(Number);
  return numbers.every((n) => n <= 255) ? numbers : undefined;
}

/** Is this IPv4 or IPv6 literal anything but a public unicast address? */
export function isNonPublicAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, "").toLowerCase();
  const v4 = ipv4Parts(host);
  if (v4) {
    const [a = 0, b = 0] = v4;
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 192 && b === 0) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    );
  }
  if (!host.includes(":")) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1];
  if (mapped) return isNonPublicAddress(mapped);
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mappedHex) {
    const high = Number.parseInt(mappedHex[1] ?? "0", 16);
    const low = Number.parseInt(mappedHex[2] ?? "0", 16);
    return isNonPublicAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  return (
    host === "::" ||
    host === "::1" ||
    /^f[cd][0-9a-f]{0,2}:/.test(host) || // fc00::/7 unique local
    /^fe[89ab][0-9a-f]?:/.test(host) || // fe80::/10 link-local
    /^ff[0-9a-f]{0,2}:/.test(host) || // multicast
    /^64:ff9b:/.test(host) || // NAT64 (could embed a private IPv4)
    /^2001:db8:/.test(host) // documentation
  );
}

/** Why a URL may not be a webhook target, or undefined when it may. */
export function webhookTargetProblem(
  url: string,
  options: { allowPrivate?: boolean } = {},
): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be a URL";
  }
  if (parsed.username || parsed.password) return "must not contain credentials";
  if (options.allowPrivate) {
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? undefined : "must be an http(s) URL";
  }
  if (parsed.protocol !== "https:") return "must be an https URL";
  const host = parsed.hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[") || ipv4Parts(host)) {
    return isNonPublicAddress(host)
      ? "must not point to a private, loopback or link-local address"
      : undefined;
  }
  if (!host.includes(".")) return "must name a public host (a fully qualified domain)";
  if (/(^|\.)(localhost|local|internal|intranet|lan|home|corp|localdomain|home\.arpa)$/.test(host)) {
    return "must name a public host, not a local one";
  }
  return undefined;
}
