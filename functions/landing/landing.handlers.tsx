import type { LandingPageRow, Repositories } from "@crm/shared/db";
import { TokenSigner, verifyTurnstile } from "@crm/shared/delivery";
import { judgeFillTime, referrerOf, type Utm, utmOf } from "@crm/shared/domain";
import { AppError } from "@crm/shared/errors";
import { type BrandSettings, FORM_CONTROLS, type FormBlock, parseSubmission } from "@crm/shared/schemas";
import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app/factory.ts";
import { notify } from "../app/notify.ts";
import { RETRY_AFTER_SECONDS } from "../app/rate-limit.ts";
import type { landingRoutes } from "./landing.routes.ts";
import {
  ConfirmPage,
  type FormState,
  LandingPage,
  MessagePage,
  type PageView,
  pageCsp,
  pageView,
  withFormToken,
} from "./landing-page.tsx";
import { consentHash, etagOf, matchesEtag, readCachedPage, writeCachedPage } from "./page-cache.ts";

/** Pages that are never cached or indexed (404, thank-you, errors) share one simple policy. */
async function messageHeaders(c: Context<AppEnv>) {
  c.header("Content-Security-Policy", await pageCsp({ turnstile: false }));
  c.header("cache-control", "no-store");
}

/** A short page (404, 429, thank-you, confirmed) with the message pages' headers. */
async function messagePage(
  c: Context<AppEnv>,
  status: 200 | 404 | 429,
  props: { title: string; message: string; footer?: string | undefined },
) {
  await messageHeaders(c);
  return c.html(<MessagePage {...props} />, status);
}

function notFoundPage(c: Context<AppEnv>) {
  return messagePage(c, 404, {
    title: "Page not found",
    message: "This page does not exist or is no longer available. Check the address, or visit our website.",
  });
}

async function viewOf(
  c: Context<AppEnv>,
  repos: Repositories,
  page: LandingPageRow,
  brandRead?: Promise<BrandSettings>,
): Promise<PageView> {
  const brand = await (brandRead ?? repos.settings.getBrand());
  return pageView(page, {
    brandName: brand.brand_name,
    publicBaseUrl: c.var.config.delivery.publicBaseUrl,
    turnstileSiteKey: c.var.config.landing.turnstile?.siteKey,
  });
}

async function pageCspFor(c: Context<AppEnv>, page: LandingPageRow) {
  const redirect = page.settings.redirect_url;
  return pageCsp({
    turnstile: Boolean(c.var.config.landing.turnstile),
    formTarget: redirect ? new URL(redirect).origin : null,
  });
}

/**
 * Where the visit came from, and when its form was first shown (kept across refusals, so a visitor
 * who fixes a typo at once is not taken for a bot).
 */
type Visit = { utm: Utm; referrer: string | undefined; shownAt?: number };

/** Where this visit came from: its UTM parameters and the referrer's origin and path. */
function visitOf(c: Context<AppEnv>): Visit {
  return { utm: utmOf(c.req.query()), referrer: referrerOf(c.req.header("referer")) };
}

/**
 * The form's timing token for this response: the page, now, the visit's UTM parameters and referrer
 * (the form's own post carries neither) and the hash of the consent wording shown.
 */
async function formToken(c: Context<AppEnv>, page: string, consent: string, visit: Visit): Promise<string> {
  return new TokenSigner(c.var.config.delivery.trackingSecret).sign({
    kind: "form",
    page,
    at: visit.shownAt ?? Date.now(),
    utm: visit.utm,
    ...(visit.referrer ? { referrer: visit.referrer } : {}),
    ...(consent ? { consent } : {}),
  });
}

/** Counts the view after the response is sent (the visitor never waits for it). */
function countView(c: Context<AppEnv>, page: string, campaign: string | null) {
  // A HEAD request (a link checker, a preview bot asking for headers) is not someone viewing the page.
  if (c.req.method === "HEAD") return;
  const country = (c.req.raw as { cf?: { country?: unknown } }).cf?.country;
  const view = {
    page,
    campaign,
    ...visitOf(c),
    country: typeof country === "string" ? country.slice(0, 8) : undefined,
    at: new Date(),
  };
  c.var.services.afterResponse("landing_page_view", (repos) => repos.landingPages.recordView(view));
}

export const showPage: RouteHandler<typeof landingRoutes.page, AppEnv> = async (c) => {
  const { ref } = c.req.valid("param");
  const { publicBaseUrl } = c.var.config.delivery;
  let entry = await readCachedPage(publicBaseUrl, ref);
  const cacheState = entry ? "HIT" : "MISS";
  if (!entry) {
    const repos = await c.var.services.repositories();
    // Both reads at once: the brand does not depend on the page (on a 404 it was read for nothing).
    const brand = repos.settings.getBrand();
    const page = await repos.landingPages.findPublished(ref);
    if (!page) {
      await brand.catch(() => undefined);
      return notFoundPage(c);
    }
    // Another spelling of the address (`/lp/Spring-Launch`): one canonical address, which is cached.
    if (ref !== page.id && ref !== page.slug) {
      await brand.catch(() => undefined);
      const query = new URL(c.req.url).search;
      return c.redirect(`/lp/${page.slug}${query}`, 301);
    }
    const html = String(await (<LandingPage view={await viewOf(c, repos, page, brand)} />).toString());
    entry = {
      html,
      page: page.id,
      campaign: page.campaign,
      etag: await etagOf(html),
      csp: await pageCspFor(c, page),
      consent: await consentHash(page.settings.consent_text),
    };
    // Only the two canonical addresses get here: those are the ones an edit knows to purge.
    const stored = writeCachedPage(publicBaseUrl, ref, entry, c.var.config.landing.cacheTtlSeconds);
    c.executionCtx.waitUntil(stored.catch((error: unknown) => console.error(String(error))));
  }
  countView(c, entry.page, entry.campaign);
  const headers = {
    etag: entry.etag,
    "cache-control": "no-cache",
    "content-security-policy": entry.csp,
    "x-cache": cacheState,
    vary: "accept-encoding",
  };
  if (matchesEtag(c.req.header("if-none-match"), entry.etag)) return c.body(null, 304, headers);
  const token = await formToken(c, entry.page, entry.consent, visitOf(c));
  return c.body(withFormToken(entry.html, token), 200, {
    ...headers,
    "content-type": "text/html; charset=utf-8",
  });
};

/** The submitted fields as one object (a repeated form field keeps its last value). */
async function submittedFields(
  c: Context<AppEnv>,
): Promise<{ raw: Record<string, unknown>; isForm: boolean }> {
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
    const body = await c.req.parseBody({ all: true });
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      const last = Array.isArray(value) ? value.at(-1) : value;
      raw[key] = typeof last === "string" ? last : undefined;
    }
    return { raw, isForm: true };
  }
  if (type.startsWith("application/json")) {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new AppError("bad_json", "the request body is not valid JSON");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw AppError.invalidField("body", "must be a JSON object of the form's fields");
    }
    return { raw: body as Record<string, unknown>, isForm: false };
  }
  throw new AppError(
    "unsupported_media_type",
    "send the form as application/x-www-form-urlencoded, multipart/form-data or application/json",
  );
}

function formOf(page: LandingPageRow): FormBlock {
  const form = page.content.blocks.find((block): block is FormBlock => block.type === "form");
  // The content schema requires exactly one form block; a page without one was never stored.
  if (!form) throw new Error(`landing page ${page.id} has no form block`);
  return form;
}

/** The submitted values worth showing again (text only, as typed, for the fields of the form). */
function keptValues(form: FormBlock, raw: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of form.fields) {
    const value = Object.hasOwn(raw, field.name) ? raw[field.name] : undefined;
    if (typeof value === "string") values[field.name] = value.slice(0, 4000);
  }
  return values;
}

/** The page again with the visitor's values and the messages (422), never cached or indexed. */
async function refusedForm(
  c: Context<AppEnv>,
  repos: Repositories,
  page: LandingPageRow,
  raw: Record<string, unknown>,
  state: Omit<FormState, "values" | "consent">,
  visit: Visit,
) {
  const view = await viewOf(c, repos, page);
  const consent = raw[FORM_CONTROLS.consent];
  const html = String(
    await (
      <LandingPage
        view={view}
        state={{
          ...state,
          values: keptValues(formOf(page), raw),
          consent: consent === "yes" || consent === "on",
        }}
      />
    ).toString(),
  );
  c.header("Content-Security-Policy", await pageCspFor(c, page));
  c.header("cache-control", "no-store");
  const token = await formToken(c, page.id, await consentHash(page.settings.consent_text), visit);
  return c.html(withFormToken(html, token), 422);
}

function tooManyPage(c: Context<AppEnv>) {
  c.header("Retry-After", String(RETRY_AFTER_SECONDS));
  return messagePage(c, 429, {
    title: "Too many attempts",
    message:
      "We received several forms from your network in a short time. Please wait a minute and try again.",
  });
}

async function received(c: Context<AppEnv>, page: LandingPageRow, isForm: boolean) {
  const redirect = page.settings.redirect_url;
  if (!isForm) {
    return c.json({ status: "received" as const, message: thankYou(page), redirect_url: redirect }, 200);
  }
  // Post/redirect/get: reloading the thank-you page does not send the form again.
  c.header("cache-control", "no-store");
  return c.redirect(redirect ?? `/lp/${page.id}/thanks`, 303);
}

/** The page's thank-you, and with double opt-in what the visitor must still do. */
function thankYou(page: LandingPageRow): string {
  const message = page.settings.thank_you_message;
  return page.settings.double_opt_in
    ? `${message} Please check your inbox: follow the link we sent to confirm.`
    : message;
}

const TOO_FAST = "That was quick! Please check your details and send the form again.";
const EXPIRED = "This form was open for a long time. Please check your details and send it again.";
const CONSENT_CHANGED =
  "The wording of the consent below has changed since you opened this page. Please read it and send the form again.";
const NOT_VERIFIED =
  "We could not verify that you are human. Please complete the check and send the form again.";

export const submitForm: RouteHandler<typeof landingRoutes.submit, AppEnv> = async (c) => {
  const { ref } = c.req.valid("param");
  const { raw, isForm } = await submittedFields(c);
  // The budget is spent before the database is touched: a flood costs us no queries.
  const ip = c.req.header("cf-connecting-ip") ?? null;
  const limiter = c.env.LANDING_SUBMIT_LIMITER;
  if (limiter && !(await limiter.limit({ key: `landing:${ip ?? "unknown"}` })).success) {
    if (isForm) return tooManyPage(c);
    throw new AppError("rate_limited", "too many submissions from this address; try again in a minute", {
      retry_after_seconds: RETRY_AFTER_SECONDS,
    });
  }
  const repos = await c.var.services.repositories();
  const page = await repos.landingPages.findPublished(ref);
  if (!page) {
    if (isForm) return notFoundPage(c);
    throw AppError.notFound("landing_page", ref);
  }
  // A filled honeypot is a bot: it is told what a person would be told, and nothing is stored.
  const honeypot = raw[FORM_CONTROLS.honeypot];
  if (typeof honeypot === "string" ? honeypot.trim() !== "" : honeypot !== undefined && honeypot !== null) {
    console.warn(JSON.stringify({ requestId: c.get("requestId"), page: page.id, dropped: "honeypot" }));
    return received(c, page, isForm);
  }
  // The page's own form carries when it was rendered and where the visit came from; scripts (JSON)
  // give their UTM parameters in the query and rely on the other checks.
  let visit = visitOf(c);
  let shownConsent: string | undefined;
  if (isForm) {
    const token = raw[FORM_CONTROLS.started];
    const started =
      typeof token === "string"
        ? await new TokenSigner(c.var.config.delivery.trackingSecret).verify(token, "form")
        : undefined;
    const genuine = started && started.page === page.id ? started : undefined;
    if (genuine) {
      visit = { utm: genuine.utm ?? {}, referrer: genuine.referrer, shownAt: genuine.at };
      shownConsent = genuine.consent ?? "";
    }
    const verdict = genuine ? judgeFillTime(genuine.at, Date.now()) : "expired";
    // A week-old form starts its clock again when it is shown again.
    if (verdict === "expired") visit = { utm: visit.utm, referrer: visit.referrer };
    if (verdict !== "ok") {
      const notice = verdict === "too_fast" ? TOO_FAST : EXPIRED;
      return refusedForm(c, repos, page, raw, { errors: {}, notice }, visit);
    }
  }
  const parsed = parseSubmission(formOf(page), raw, Boolean(page.settings.consent_text));
  if (!parsed.ok) {
    if (isForm) {
      const errors = Object.fromEntries(parsed.issues.map((issue) => [issue.field, issue.message]));
      return refusedForm(c, repos, page, raw, { errors }, visit);
    }
    throw new AppError("validation_failed", "the form has invalid fields", parsed.issues);
  }
  // The consent recorded must be the wording the visitor saw: if the page changed it since, ask again.
  if (isForm && parsed.consent && shownConsent !== (await consentHash(page.settings.consent_text))) {
    return refusedForm(c, repos, page, raw, { errors: {}, notice: CONSENT_CHANGED }, visit);
  }
  const turnstile = c.var.config.landing.turnstile;
  if (turnstile) {
    const token = raw[FORM_CONTROLS.turnstile];
    const verdict = await verifyTurnstile({
      secret: turnstile.secretKey,
      token: typeof token === "string" ? token : "",
      ...(ip ? { remoteIp: ip } : {}),
      idempotencyKey: crypto.randomUUID(),
      url: turnstile.verifyUrl,
    });
    if (!verdict.success) {
      if (isForm) return refusedForm(c, repos, page, raw, { errors: {}, notice: NOT_VERIFIED }, visit);
      throw new AppError("validation_failed", "the Turnstile check failed", [
        {
          field: FORM_CONTROLS.turnstile,
          message: `was not accepted (${verdict.errorCodes.join(", ") || "no reason"})`,
        },
      ]);
    }
  }
  const now = new Date();
  const email = parsed.values.email ?? "";
  const result = await repos.landingPages.submit({
    page,
    email,
    values: parsed.values,
    consent:
      parsed.consent && page.settings.consent_text
        ? { text: page.settings.consent_text, ip, userAgent: c.req.header("user-agent") ?? null }
        : null,
    utm: visit.utm,
    referrer: visit.referrer,
    now,
  });
  if (result.pendingConsent) {
    // The submission is committed: a queue failure must not turn it into an error (the visitor would
    // send it again). The cron's sweep queues the confirmations that were never sent.
    try {
      await c.var.services.queue().send({ type: "optin", consent: result.pendingConsent });
    } catch (error) {
      const failure = { requestId: c.get("requestId"), optin: result.pendingConsent, error: String(error) };
      console.error(JSON.stringify(failure));
    }
  }
  await notify(c, "form.submitted", `form.submitted:${page.id}:${result.contact}:${now.getTime()}`, {
    page: { id: page.id, slug: page.slug, campaign: page.campaign },
    contact: result.contact,
    new_contact: result.created,
    fields: parsed.values,
  });
  if (result.created) {
    const contact = await repos.contacts.get(result.contact);
    if (contact) await notify(c, "contact.created", `contact.created:${contact.id}`, { contact });
  }
  return received(c, page, isForm);
};

export const thanksPage: RouteHandler<typeof landingRoutes.thanks, AppEnv> = async (c) => {
  const { ref } = c.req.valid("param");
  const repos = await c.var.services.repositories();
  const page = await repos.landingPages.findPublished(ref);
  if (!page) return notFoundPage(c);
  const footer = page.content.blocks.find((block) => block.type === "footer");
  return messagePage(c, 200, {
    title: "Thank you",
    message: thankYou(page),
    footer: footer?.type === "footer" ? footer.text : undefined,
  });
};

/** The pending consent a confirmation link names, if the token is genuine and for this page. */
async function linkedConsent(
  c: Context<AppEnv>,
  repos: Repositories,
  ref: string,
  token: string | undefined,
) {
  if (!token) return undefined;
  const verified = await new TokenSigner(c.var.config.delivery.trackingSecret).verify(token, "optin");
  if (!verified) return undefined;
  const consent = await repos.landingPages.consentRecord(verified.consent);
  if (!consent?.page) return undefined;
  const page = await repos.landingPages.get(consent.page);
  if (!page || (page.id !== ref && page.slug !== ref)) return undefined;
  return consent;
}

function invalidLink(c: Context<AppEnv>) {
  return messagePage(c, 404, {
    title: "Link not valid",
    message: "This confirmation link is not valid. Check that you copied all of it.",
  });
}

export const confirmationPage: RouteHandler<typeof landingRoutes.confirmPage, AppEnv> = async (c) => {
  const { ref } = c.req.valid("param");
  const { t } = c.req.valid("query");
  const repos = await c.var.services.repositories();
  if (!t || !(await linkedConsent(c, repos, ref, t))) return invalidLink(c);
  await messageHeaders(c);
  return c.html(<ConfirmPage action={`/lp/${ref}/confirm`} token={t} />, 200);
};

export const confirmOptIn: RouteHandler<typeof landingRoutes.confirm, AppEnv> = async (c) => {
  const { ref } = c.req.valid("param");
  const { t } = c.req.valid("form");
  const repos = await c.var.services.repositories();
  const consent = await linkedConsent(c, repos, ref, t);
  if (!consent) return invalidLink(c);
  await repos.landingPages.confirmConsent(consent.id, {
    ip: c.req.header("cf-connecting-ip") ?? null,
    userAgent: c.req.header("user-agent") ?? null,
  });
  return messagePage(c, 200, {
    title: "Subscription confirmed",
    message: "Thank you: your subscription is confirmed.",
  });
};
