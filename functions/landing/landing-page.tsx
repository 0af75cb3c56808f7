import type { LandingBlock, LandingPageSettings } from "@crm/shared/schemas";
import { FORM_CONTROLS, type FormBlock, type FormField } from "@crm/shared/schemas";
import { raw } from "hono/html";
import type { Child } from "hono/jsx";

/**
 * Landing pages rendered at the edge with Hono JSX. Every string comes from stored blocks or from a
 * visitor and is escaped by JSX: nothing is ever inserted as markup. No script is needed to read or
 * submit (the FAQ uses <details>, the form is a plain POST); the only script ever loaded is
 * Cloudflare Turnstile's, when a site key is configured.
 */

/** What the page shows, from the stored page and the brand. */
export interface PageView {
  id: string;
  title: string;
  slug: string;
  blocks: readonly LandingBlock[];
  settings: LandingPageSettings;
  brandName: string;
  /** The page's public address (for canonical and OpenGraph). */
  url: string;
  /** Turnstile's site key, when verification is on. */
  turnstileSiteKey?: string | undefined;
}

/** The view of a stored page (the API's shape or a row): what the renderer needs from it. */
export function pageView(
  page: {
    id: string;
    title: string;
    slug: string;
    content: { blocks: readonly LandingBlock[] };
    settings: LandingPageSettings;
  },
  site: { brandName: string; publicBaseUrl: string; turnstileSiteKey?: string | undefined },
): PageView {
  return {
    id: page.id,
    title: page.title,
    slug: page.slug,
    blocks: page.content.blocks,
    settings: page.settings,
    brandName: site.brandName,
    url: `${site.publicBaseUrl}/lp/${page.slug}`,
    turnstileSiteKey: site.turnstileSiteKey,
  };
}

/** What a re-rendered form shows after a refused submission. */
export interface FormState {
  values: Record<string, string>;
  consent: boolean;
  /** Messages by field name (`_consent` for the checkbox). */
  errors: Record<string, string>;
  /** A message about the whole form (too fast, verification failed). */
  notice?: string | undefined;
}

/**
 * The timing token's place in a rendered page: the cached copy keeps this marker and each response
 * gets a fresh token. Visitor text is escaped (`"` → `&quot;`), so it can never contain this string.
 */
export const FORM_TOKEN_SLOT = `name="${FORM_CONTROLS.started}" value="__form_token__"`;
const FORM_TOKEN_MARKER = "__form_token__";

export const TURNSTILE_ORIGIN = "https://challenges.cloudflare.com";

export const STYLE = `*{box-sizing:border-box}
body{margin:0;font:17px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#111827;background:#fff}
main,footer{display:block}
.wrap{max-width:60rem;margin:0 auto;padding:0 1.25rem}
.hero{background:#0f172a;color:#f8fafc;padding:4.5rem 0 4rem}
.hero h1{font-size:clamp(2rem,5vw,3.1rem);line-height:1.15;margin:0 0 1rem;max-width:42rem;overflow-wrap:anywhere}
.hero p{font-size:1.2rem;color:#e2e8f0;max-width:40rem;margin:0 0 2rem;overflow-wrap:anywhere}
.cta,button{display:inline-block;font:inherit;font-weight:700;padding:.8rem 1.6rem;border:0;border-radius:8px;background:#2563eb;color:#fff;text-decoration:none;cursor:pointer}
.hero .cta{background:#facc15;color:#111827}
section{padding:3rem 0;border-bottom:1px solid #e5e7eb}
h2{font-size:1.6rem;line-height:1.25;margin:0 0 1.5rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:1.5rem;padding:0;margin:0;list-style:none}
.grid h3{font-size:1.1rem;margin:0 0 .4rem}
.grid p,blockquote p{margin:0;color:#374151;overflow-wrap:anywhere}
blockquote{margin:0;padding:1.25rem;border-left:4px solid #2563eb;background:#f8fafc}
figcaption{margin-top:.5rem;font-weight:600;color:#1f2937}
details{border:1px solid #d1d5db;border-radius:8px;padding:.75rem 1rem;margin:0 0 .75rem}
summary{font-weight:600;cursor:pointer;overflow-wrap:anywhere}
details p{margin:.5rem 0 0;color:#374151;overflow-wrap:anywhere}
form{max-width:32rem}
.field{margin:0 0 1.1rem}
label{display:block;font-weight:600;margin:0 0 .3rem}
input,select,textarea{display:block;width:100%;font:inherit;padding:.65rem .75rem;border:1px solid #6b7280;border-radius:6px;background:#fff;color:#111827}
textarea{min-height:7rem}
.check{display:flex;gap:.6rem;align-items:flex-start}
.check input{width:auto;margin:.35rem 0 0}
.check label{font-weight:400}
.error{color:#b91c1c;font-weight:600;margin:.3rem 0 0}
[aria-invalid=true]{border-color:#b91c1c;border-width:2px}
.alert{padding:1rem;border-radius:8px;background:#fef2f2;color:#991b1b;margin:0 0 1.5rem}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.notice{padding:3rem 0}
footer{padding:2rem 0;color:#4b5563;font-size:.95rem}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
@media (max-width:40rem){.hero{padding:3rem 0}section{padding:2rem 0}}`;

/** The Content-Security-Policy of a landing page: only our inline style; Turnstile when it is on. */
export async function pageCsp(options: { turnstile: boolean; formTarget?: string | null }): Promise<string> {
  const styleHash = await styleHashOnce();
  const formAction = ["'self'", ...(options.formTarget ? [options.formTarget] : [])].join(" ");
  return [
    "default-src 'none'",
    `style-src '${styleHash}'`,
    "img-src 'self' data:",
    options.turnstile ? `script-src ${TURNSTILE_ORIGIN}` : "script-src 'none'",
    ...(options.turnstile ? [`frame-src ${TURNSTILE_ORIGIN}`, `connect-src ${TURNSTILE_ORIGIN}`] : []),
    `form-action ${formAction}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

let styleHash: Promise<string> | undefined;
/** SHA-256 of the inline stylesheet, computed once per isolate (a constant, not an I/O object). */
function styleHashOnce(): Promise<string> {
  styleHash ??= crypto.subtle.digest("SHA-256", new TextEncoder().encode(STYLE)).then((digest) => {
    let binary = "";
    for (const byte of new Uint8Array(digest)) binary += String.fromCharCode(byte);
    return `sha256-${btoa(binary)}`;
  });
  return styleHash;
}

/** Puts a fresh timing token into a rendered (possibly cached) page. */
export function withFormToken(html: string, token: string): string {
  return html.replace(FORM_TOKEN_SLOT, FORM_TOKEN_SLOT.replace(FORM_TOKEN_MARKER, token));
}

function Document(props: {
  title: string;
  description?: string | undefined;
  url?: string | undefined;
  siteName?: string | undefined;
  indexable: boolean;
  turnstile?: boolean;
  children: Child;
}) {
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.title}</title>
          {/* No favicon request (a Worker request, and a 404) for every view. */}
          <link rel="icon" href="data:," />
          {props.description ? <meta name="description" content={props.description} /> : null}
          {props.indexable ? null : <meta name="robots" content="noindex" />}
          {props.url ? <link rel="canonical" href={props.url} /> : null}
          {props.url ? (
            <>
              <meta property="og:type" content="website" />
              <meta property="og:title" content={props.title} />
              {props.description ? <meta property="og:description" content={props.description} /> : null}
              <meta property="og:url" content={props.url} />
              {props.siteName ? <meta property="og:site_name" content={props.siteName} /> : null}
              <meta name="twitter:card" content="summary" />
            </>
          ) : null}
          <style>{raw(STYLE)}</style>
          {props.turnstile ? <script src={`${TURNSTILE_ORIGIN}/turnstile/v0/api.js`} async defer /> : null}
        </head>
        <body>{props.children}</body>
      </html>
    </>
  );
}

const FORM_ID = "signup";

function Hero(props: { block: Extract<LandingBlock, { type: "hero" }> }) {
  return (
    <header class="hero">
      <div class="wrap">
        <h1>{props.block.headline}</h1>
        <p>{props.block.subheadline}</p>
        <a class="cta" href={`#${FORM_ID}`}>
          {props.block.cta_label}
        </a>
      </div>
    </header>
  );
}

/** A titled section of the page: a landmark named by its heading. */
function Section(props: { heading: string; title: string; id?: string; children: Child }) {
  return (
    <section aria-labelledby={props.heading} id={props.id}>
      <div class="wrap">
        <h2 id={props.heading}>{props.title}</h2>
        {props.children}
      </div>
    </section>
  );
}

function Features(props: { block: Extract<LandingBlock, { type: "features" }>; index: number }) {
  return (
    <Section heading={`features-${props.index}`} title="What you get">
      <ul class="grid">
        {props.block.items.map((item) => (
          <li>
            <h3>{item.title}</h3>
            <p>{item.description}</p>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function SocialProof(props: { block: Extract<LandingBlock, { type: "social_proof" }>; index: number }) {
  // No quotes yet (the generator never invents testimonials): nothing to show.
  if (props.block.quotes.length === 0) return null;
  return (
    <Section heading={`proof-${props.index}`} title="What people say">
      <div class="grid">
        {props.block.quotes.map((quote) => (
          <figure>
            <blockquote>
              <p>{quote.quote}</p>
            </blockquote>
            <figcaption>{quote.author}</figcaption>
          </figure>
        ))}
      </div>
    </Section>
  );
}

function Faq(props: { block: Extract<LandingBlock, { type: "faq" }>; index: number }) {
  return (
    <Section heading={`faq-${props.index}`} title="Questions and answers">
      {props.block.items.map((item) => (
        <details>
          <summary>{item.question}</summary>
          <p>{item.answer}</p>
        </details>
      ))}
    </Section>
  );
}

const AUTOCOMPLETE: Record<string, string> = {
  first_name: "given-name",
  last_name: "family-name",
  email: "email",
  phone: "tel",
  company: "organization",
  company_name: "organization",
  job_title: "organization-title",
};

function Field(props: { field: FormField; value: string | undefined; error: string | undefined }) {
  const { field, value, error } = props;
  const id = `f-${field.name}`;
  const errorId = `${id}-error`;
  const common = {
    id,
    name: field.name,
    required: field.required,
    "aria-invalid": error ? "true" : undefined,
    "aria-describedby": error ? errorId : undefined,
    autocomplete: Object.hasOwn(AUTOCOMPLETE, field.name)
      ? AUTOCOMPLETE[field.name]
      : field.type === "email"
        ? "email"
        : undefined,
  };
  let control: Child;
  if (field.type === "textarea") {
    control = <textarea {...common}>{value ?? ""}</textarea>;
  } else if (field.type === "select") {
    control = (
      <select {...common}>
        <option value="">Choose…</option>
        {(field.options ?? []).map((option) => (
          <option value={option} selected={option === value}>
            {option}
          </option>
        ))}
      </select>
    );
  } else {
    control = (
      <input
        {...common}
        type={field.type}
        value={value ?? ""}
        maxlength={field.type === "email" ? 254 : 200}
      />
    );
  }
  return (
    <div class="field">
      <label for={id}>
        {field.label}
        {field.required ? null : " (optional)"}
      </label>
      {control}
      {error ? (
        <p class="error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function SignupForm(props: {
  pageId: string;
  block: FormBlock;
  settings: LandingPageSettings;
  state: FormState | undefined;
  turnstileSiteKey: string | undefined;
}) {
  const { block, settings, state } = props;
  const errors = state?.errors ?? {};
  const messages = Object.values(errors);
  const consentError = errors[FORM_CONTROLS.consent];
  return (
    <Section heading="form-heading" title="Sign up" id={FORM_ID}>
      {state?.notice || messages.length > 0 ? (
        <div class="alert" role="alert">
          {state?.notice ? <p>{state.notice}</p> : null}
          {messages.length > 0 ? <p>Please check the highlighted fields.</p> : null}
        </div>
      ) : null}
      <form method="post" action={`/lp/${props.pageId}/submit`} accept-charset="utf-8">
        {block.fields.map((field) => (
          <Field field={field} value={state?.values[field.name]} error={errors[field.name]} />
        ))}
        {settings.consent_text ? (
          <div class="field">
            <div class="check">
              <input
                id="f-consent"
                type="checkbox"
                name={FORM_CONTROLS.consent}
                value="yes"
                required
                checked={state?.consent === true}
                aria-invalid={consentError ? "true" : undefined}
                aria-describedby={consentError ? "f-consent-error" : undefined}
              />
              <label for="f-consent">{settings.consent_text}</label>
            </div>
            {consentError ? (
              <p class="error" id="f-consent-error">
                {consentError}
              </p>
            ) : null}
          </div>
        ) : null}
        <div class="hp" aria-hidden="true">
          <label for="f-website">Leave this field empty</label>
          <input
            id="f-website"
            type="text"
            name={FORM_CONTROLS.honeypot}
            tabindex={-1}
            autocomplete="off"
            value=""
          />
        </div>
        {raw(`<input type="hidden" ${FORM_TOKEN_SLOT}>`)}
        {props.turnstileSiteKey ? (
          <>
            <div class="cf-turnstile" data-sitekey={props.turnstileSiteKey} />
            <noscript>
              <p class="error">
                This form checks that you are human with a script; please enable JavaScript.
              </p>
            </noscript>
          </>
        ) : null}
        <button type="submit">{block.submit_label}</button>
      </form>
    </Section>
  );
}

function Footer(props: { text: string }) {
  return (
    <footer>
      <div class="wrap">
        <p>{props.text}</p>
      </div>
    </footer>
  );
}

/** The whole page; `state` re-renders the form after a refused submission. */
export function LandingPage(props: { view: PageView; state?: FormState | undefined }) {
  const { view } = props;
  const hero = view.blocks.find((block) => block.type === "hero");
  const footer = view.blocks.find((block) => block.type === "footer");
  const middle = view.blocks.filter((block) => block.type !== "hero" && block.type !== "footer");
  return (
    <Document
      title={view.title}
      description={hero?.type === "hero" ? hero.subheadline : undefined}
      url={view.url}
      siteName={view.brandName}
      indexable={!props.state}
      turnstile={Boolean(view.turnstileSiteKey)}
    >
      {hero?.type === "hero" ? <Hero block={hero} /> : null}
      <main>
        {middle.map((block, index) => {
          switch (block.type) {
            case "features":
              return <Features block={block} index={index} />;
            case "social_proof":
              return <SocialProof block={block} index={index} />;
            case "faq":
              return <Faq block={block} index={index} />;
            case "form":
              return (
                <SignupForm
                  pageId={view.id}
                  block={block}
                  settings={view.settings}
                  state={props.state}
                  turnstileSiteKey={view.turnstileSiteKey}
                />
              );
            default:
              return null;
          }
        })}
      </main>
      {footer?.type === "footer" ? <Footer text={footer.text} /> : null}
    </Document>
  );
}

/** A short page with a heading and a message: thank-you, not found, too many attempts, confirmed. */
export function MessagePage(props: { title: string; message: string; footer?: string | undefined }) {
  return (
    <Document title={props.title} indexable={false}>
      <main class="notice">
        <div class="wrap">
          <h1>{props.title}</h1>
          <p>{props.message}</p>
        </div>
      </main>
      {props.footer ? <Footer text={props.footer} /> : null}
    </Document>
  );
}

/** The double opt-in page: one button (a link scanner's GET must not confirm anything). */
export function ConfirmPage(props: { action: string; token: string }) {
  return (
    <Document title="Confirm your subscription" indexable={false}>
      <main class="notice">
        <div class="wrap">
          <h1>Confirm your subscription</h1>
          <p>Press the button to confirm that you want to hear from us.</p>
          <form method="post" action={props.action}>
            <input type="hidden" name="t" value={props.token} />
            <button type="submit">Confirm</button>
          </form>
        </div>
      </main>
    </Document>
  );
}
