import { escapeHtml } from "@crm/shared/ai";
import { isMachineOpen, TokenSigner } from "@crm/shared/delivery";
import { AppError } from "@crm/shared/errors";
import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app/factory.ts";
import type { trackingRoutes } from "./tracking.routes.ts";

/** The smallest transparent GIF (43 bytes). */
const PIXEL = Uint8Array.from(atob("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"), (char) =>
  char.charCodeAt(0),
);
const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const signer = (c: Context<AppEnv>) => new TokenSigner(c.var.config.delivery.trackingSecret);
const forged = () => new AppError("not_found", "this link is not valid");

/** Recording must not stand between a person and their page: a failure is logged, not shown. */
async function record(c: Context<AppEnv>, what: string, work: () => Promise<unknown>) {
  try {
    await work();
  } catch (error) {
    console.error(JSON.stringify({ requestId: c.get("requestId"), tracking: what, error: String(error) }));
  }
}

export const trackOpen: RouteHandler<typeof trackingRoutes.open, AppEnv> = async (c) => {
  const token = await signer(c).verify(c.req.valid("param").token, "open");
  if (!token) throw forged();
  await record(c, "open", async () => {
    const repos = await c.var.services.repositories();
    const delivery = await repos.deliveries.delivery(token.delivery);
    if (delivery?.status !== "sent") return;
    const userAgent = c.req.header("user-agent") ?? null;
    const machine = isMachineOpen({
      userAgent,
      sentAt: delivery.sent_at ? new Date(delivery.sent_at) : null,
      openedAt: new Date(),
    });
    await repos.timeline.add({
      contact: delivery.contact,
      type: "email_open",
      content: machine ? "Email opened by a machine (proxy or prefetch)" : "Opened a campaign email",
      metadata: { campaign: delivery.campaign, delivery: delivery.id, machine, user_agent: userAgent ?? "" },
    });
  });
  return c.body(PIXEL, 200, {
    "content-type": "image/gif",
    "cache-control": "no-store, max-age=0",
  });
};

export const trackClick: RouteHandler<typeof trackingRoutes.click, AppEnv> = async (c) => {
  const token = await signer(c).verify(c.req.valid("param").token, "click");
  if (!token) throw forged();
  await record(c, "click", async () => {
    const repos = await c.var.services.repositories();
    const delivery = await repos.deliveries.delivery(token.delivery);
    if (delivery?.status !== "sent") return;
    await repos.timeline.add({
      contact: delivery.contact,
      type: "email_click",
      content: `Clicked ${token.url.slice(0, 500)}`,
      metadata: {
        campaign: delivery.campaign,
        delivery: delivery.id,
        url: token.url.slice(0, 2000),
        user_agent: c.req.header("user-agent") ?? "",
      },
    });
  });
  c.header("cache-control", "no-store");
  return c.redirect(token.url, 302);
};

function page(c: Context<AppEnv>, status: 200 | 404, title: string, body: string) {
  c.header("Content-Security-Policy", PAGE_CSP);
  c.header("cache-control", "no-store");
  return c.html(
    `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Arial,sans-serif;color:#111827;background:#f3f4f6}
main{max-width:32rem;margin:10vh auto;padding:2rem;background:#fff;border-radius:8px}
h1{font-size:1.5rem;margin:0 0 1rem}
button{font:inherit;font-weight:600;padding:.75rem 1.5rem;border:0;border-radius:6px;background:#1d4ed8;color:#fff;cursor:pointer}
button:focus-visible{outline:3px solid #111827;outline-offset:2px}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`,
    status,
  );
}

const invalidPage = (c: Context<AppEnv>) =>
  page(
    c,
    404,
    "This link is not valid",
    "<p>It may have been copied incompletely. Use the link from the email itself.</p>",
  );

/** The delivery an unsubscribe token names, or undefined for a forged token or an unknown delivery. */
async function unsubscribeTarget(c: Context<AppEnv>, token: string) {
  const verified = await signer(c).verify(token, "unsubscribe");
  if (!verified) return undefined;
  const repos = await c.var.services.repositories();
  // An event invitation's link names its RSVP; a campaign email's, its delivery.
  const [delivery, brand] = await Promise.all([
    verified.rsvp
      ? repos.events.invitationRecipient(verified.delivery)
      : repos.deliveries.delivery(verified.delivery),
    repos.settings.getBrand(),
  ]);
  return delivery ? { repos, delivery, brand } : undefined;
}

export const unsubscribePage: RouteHandler<typeof trackingRoutes.unsubscribePage, AppEnv> = async (c) => {
  const target = await unsubscribeTarget(c, c.req.valid("param").token);
  if (!target) return invalidPage(c);
  const { repos, delivery, brand } = target;
  if ((await repos.suppressions.suppressedAmong([delivery.email])).size > 0) {
    return page(
      c,
      200,
      "You are unsubscribed",
      `<p>${escapeHtml(delivery.email)} already gets no emails from ${escapeHtml(brand.brand_name)}.</p>`,
    );
  }
  return page(
    c,
    200,
    `Unsubscribe from ${brand.brand_name}`,
    `<p>Stop emails from ${escapeHtml(brand.brand_name)} to <strong>${escapeHtml(delivery.email)}</strong>?</p>
<form method="post"><button type="submit">Unsubscribe</button></form>`,
  );
};

export const unsubscribe: RouteHandler<typeof trackingRoutes.unsubscribe, AppEnv> = async (c) => {
  const target = await unsubscribeTarget(c, c.req.valid("param").token);
  if (!target) return invalidPage(c);
  const { repos, delivery, brand } = target;
  // RFC 8058: mail clients POST "List-Unsubscribe=One-Click"; the page's button posts an empty form.
  const body = await c.req.text().catch(() => "");
  await repos.suppressions.suppress({
    email: delivery.email,
    reason: "unsubscribed",
    source: body.includes("List-Unsubscribe=One-Click") ? "one_click" : "unsubscribe_page",
    contact: delivery.contact,
    campaign: delivery.campaign,
    ip: c.req.header("cf-connecting-ip") ?? null,
    userAgent: c.req.header("user-agent") ?? null,
  });
  return page(
    c,
    200,
    "You are unsubscribed",
    `<p>${escapeHtml(delivery.email)} will get no more emails from ${escapeHtml(brand.brand_name)}.</p>`,
  );
};
