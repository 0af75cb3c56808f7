import { type MergeContact, mergeEmailDraft, renderEmailHtml, renderEmailText } from "../ai/render.ts";
import type { EmailContent } from "../schemas/assets.ts";
import type { OutgoingEmail } from "../schemas/delivery.ts";
import type { BrandSettings } from "../schemas/settings.ts";
import type { TokenSigner } from "./tokens.ts";

/** Where the public tracking and unsubscribe endpoints live, and who sends. */
export interface MessageContext {
  /** The Worker's public origin, e.g. `https://crm.example.com` (no trailing slash). */
  publicBaseUrl: string;
  brand: BrandSettings;
  /** `Name <address>`: the brand's default sender. */
  from: string;
  /** Mailbox that takes `mailto:` unsubscribes (List-Unsubscribe's second form). */
  unsubscribeMailbox: string;
  signer: TokenSigner;
}

export interface Recipient extends MergeContact {
  delivery: string;
  campaign: string;
  contact: string;
}

/** The sender as a header value: the display name quoted (RFC 5322), the address as it is. */
export function senderOf(brand: BrandSettings): string | undefined {
  const address = brand.default_sender_email;
  if (!address) return undefined;
  const name = (brand.default_sender_name || brand.brand_name).replace(/["\\\r\n]/g, "").trim();
  return name ? `"${name}" <${address}>` : address;
}

/** The mailbox for `mailto:` unsubscribes: the configured one, else unsubscribe@ the sender's domain. */
export function unsubscribeMailboxOf(configured: string | undefined, brand: BrandSettings): string {
  return configured ?? `unsubscribe@${brand.default_sender_email?.split("@")[1]}`;
}

/** `List-Unsubscribe` (https and mailto) and RFC 8058 one-click, for a signed unsubscribe token. */
export function unsubscribeHeaders(url: string, mailbox: string, token: string): Record<string, string> {
  const mailto = `mailto:${mailbox}?subject=${encodeURIComponent(`unsubscribe ${token}`)}`;
  return {
    "List-Unsubscribe": `<${url}>, <${mailto}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
}

/**
 * One recipient's message: merge tags filled (escaped in HTML), the call to action routed through a
 * signed click link that can only lead to the merged URL, an open pixel, an unsubscribe link in the
 * footer beside the brand's postal address, and RFC 8058 one-click unsubscribe headers.
 */
export async function buildEmailMessage(
  content: EmailContent,
  recipient: Recipient,
  context: MessageContext,
): Promise<OutgoingEmail> {
  const merged = mergeEmailDraft(content, recipient, context.brand).content;
  const base = context.publicBaseUrl;
  const [click, open, unsubscribe] = await Promise.all([
    context.signer.sign({ kind: "click", delivery: recipient.delivery, url: merged.cta.url }),
    context.signer.sign({ kind: "open", delivery: recipient.delivery }),
    context.signer.sign({ kind: "unsubscribe", delivery: recipient.delivery }),
  ]);
  const unsubscribeUrl = `${base}/u/${unsubscribe}`;
  const tracked = { ...merged, cta: { ...merged.cta, url: `${base}/t/c/${click}` } };
  return {
    kind: "campaign",
    delivery: recipient.delivery,
    campaign: recipient.campaign,
    contact: recipient.contact,
    from: context.from,
    to: recipient.email,
    subject: merged.subject,
    html: renderEmailHtml(tracked, context.brand, { unsubscribeUrl, openPixelUrl: `${base}/t/o/${open}` }),
    text: renderEmailText(tracked, context.brand, { unsubscribeUrl }),
    headers: {
      ...unsubscribeHeaders(unsubscribeUrl, context.unsubscribeMailbox, unsubscribe),
      "X-CRM-Delivery": recipient.delivery,
    },
    links: [merged.cta.url],
  };
}
