import { renderEmailHtml, renderEmailText } from "../ai/render.ts";
import type { Repositories } from "../db/repositories/index.ts";
import { senderOf } from "./email-message.ts";
import type { SendVerdict } from "./execution.ts";
import type { Queue } from "./queue.ts";
import { TokenSigner } from "./tokens.ts";
import type { EmailTransport } from "./transport.ts";

/**
 * Double opt-in: a landing page form whose page asks for it logs the consent as pending and queues
 * an `optin` message; this sends the confirmation email, once. The email is claimed (lease) before
 * it is sent and marked after, so a redelivered message sends nothing twice; a transient failure
 * releases it for the queue's retry. The link leads to a page with one button: mail scanners that
 * open links confirm nothing.
 */

/** The confirmation link: a signed token naming the pending consent record. */
export async function optInLink(signer: TokenSigner, publicBaseUrl: string, page: string, consent: string) {
  return `${publicBaseUrl}/lp/${page}/confirm?t=${await signer.sign({ kind: "optin", consent })}`;
}

export async function sendOptInConfirmation(
  repos: Repositories,
  transport: EmailTransport,
  settings: { publicBaseUrl: string; trackingSecret: string },
  consentKey: string,
  now = new Date(),
): Promise<SendVerdict> {
  const claimed = await repos.landingPages.claimOptInEmail(consentKey, now);
  // Another attempt holds it (or died holding it): come back when its lease lapses.
  if (claimed.state === "held") {
    return { retry: true, reason: "another attempt holds it", delaySeconds: claimed.retryInSeconds };
  }
  if (claimed.state === "done") return { retry: false };
  if (!claimed.page || !claimed.contact) {
    await repos.landingPages.recordOptInEmail(consentKey, { failed: "the contact or the page is gone" });
    return { retry: false };
  }
  const page = await repos.landingPages.get(claimed.page);
  const brand = await repos.settings.getBrand();
  const from = senderOf(brand);
  if (!page || !from) {
    await repos.landingPages.recordOptInEmail(consentKey, {
      failed: page ? "no sender: set default_sender_email in /api/settings" : "the landing page was deleted",
    });
    return { retry: false };
  }
  const link = await optInLink(
    new TokenSigner(settings.trackingSecret),
    settings.publicBaseUrl,
    page.id,
    consentKey,
  );
  const draft = {
    subject: `Please confirm: ${page.title}`.slice(0, 120),
    preview_text: "One click to confirm your subscription.",
    heading: "Please confirm your subscription",
    paragraphs: [
      `You (or someone using this address) signed up on “${page.title}”.`,
      "Press the button to confirm. If it was not you, ignore this email: nothing more will be sent.",
    ],
    cta: { label: "Confirm my subscription", url: link },
    signoff: brand.brand_name,
  };
  let results: Awaited<ReturnType<EmailTransport["send"]>>;
  try {
    results = await transport.send([
      {
        kind: "confirmation",
        delivery: consentKey,
        campaign: page.campaign,
        contact: claimed.contact,
        from,
        to: claimed.email,
        subject: draft.subject,
        // Transactional: asked for a moment ago, so no unsubscribe footer (it is not a marketing email).
        html: renderEmailHtml(draft, brand),
        text: renderEmailText(draft, brand),
        headers: {},
        links: [link],
      },
    ]);
  } catch (error) {
    // Released, so the queue's retry can claim it again at once.
    await repos.landingPages.recordOptInEmail(consentKey, "retry");
    throw error;
  }
  const [result] = results;
  if (result?.ok) {
    await repos.landingPages.recordOptInEmail(consentKey, "sent");
    return { retry: false };
  }
  if (!result || result.transient) {
    await repos.landingPages.recordOptInEmail(consentKey, "retry");
    const reason = result?.error ?? "the transport gave no answer";
    return { retry: true, reason, ...(result?.retryAfter ? { delaySeconds: result.retryAfter } : {}) };
  }
  await repos.landingPages.recordOptInEmail(consentKey, { failed: result.error });
  return { retry: false };
}

/** The cron's sweep: pending opt-ins never emailed (their queue message was lost) are queued again. */
export async function sweepOptIns(repos: Repositories, queue: Queue, now: Date): Promise<number> {
  const pending = await repos.landingPages.unsentOptIns(now, 500);
  for (const consent of pending) await queue.send({ type: "optin", consent });
  return pending.length;
}
