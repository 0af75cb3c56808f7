import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LandingBlock, LandingPageContent } from "../../shared/schemas/assets.ts";
import type { LandingPage } from "../../shared/schemas/landing-page.ts";
import { launchChromium, screenshot } from "../../shared/testing/node/chromium.ts";
import { freshDatabase } from "../../shared/testing/node/database.ts";
import { type ServedGateway, startGateway } from "../../shared/testing/node/gateway.ts";
import { XSS_VECTORS } from "./xss-vectors.ts";

/**
 * Landing pages in a real browser: the built gateway in workerd (Miniflare) against the test
 * SurrealDB server, and Debian's Chromium driven by playwright-core.
 *
 * - A visitor reads the page and signs up without JavaScript; the contact, its timeline and its
 *   consent record exist afterwards.
 * - Every payload of XSS_VECTORS in every block field (and the title, consent text, thank-you
 *   message, labels and select options), then every submitted field: the pages, loaded with
 *   JavaScript on and alert/console/CSP hooks installed, run nothing and show the payload as text,
 *   and what is stored is the text as sent.
 */
/** The XSS tests load about 1,400 pages: a smaller window paints less. */
const XSS_VIEWPORT = { width: 480, height: 360 };
const PHONE = "+44 20 7946 0958";
/** How many browser pages (each with a landing page of its own) work through the vectors at once. */
const WORKERS = 3;
/** Valid submissions posted from Node at once. */
const POST_BATCH = 10;

const runId = randomBytes(3).toString("hex");

let gateway: ServedGateway;
let browser: Browser;
/** The page the submission test posts to, and a timing token of it that will be old enough. */
let formPage: Promise<{ landing: LandingPage; token: string; readyAt: number }>;

beforeAll(async () => {
  expect(XSS_VECTORS.length).toBeGreaterThanOrEqual(200);
  const { db, config } = await freshDatabase("landing_browser");
  await db.close();
  gateway = await startGateway(config, {
    bindings: { PUBLIC_BASE_URL: "https://crm.example", AI_PROVIDER: "template" },
    // Webhook events are queued (nobody consumes them here).
    extra: { queueProducers: { DELIVERY_QUEUE: "crm-delivery" } },
  });
  browser = await launchChromium();
  // Ready long before the submission test runs (the token ages meanwhile).
  formPage = preparedFormPage();
  formPage.catch(() => undefined);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.miniflare.dispose();
});

// ─── API helpers ─────────────────────────────────────────────────────────────────────────────────

interface Sent {
  status: number;
  body: unknown;
  headers: Headers;
}

async function send(method: string, path: string, body?: unknown): Promise<Sent> {
  const response = await fetch(new URL(path, gateway.base), {
    method,
    headers: { authorization: `Bearer ${gateway.token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the failure message.
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
  return response.body as T;
}

interface Contact {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  phone: string | null;
  status: string;
  source: string | null;
}
interface TimelineEntry {
  type: string;
  metadata: Record<string, unknown> | null;
}
interface ConsentRecord {
  action: string;
  text: string | null;
  source: string;
}

async function contactByEmail(email: string): Promise<Contact | undefined> {
  const page = await api<{ data: Contact[] }>("GET", `/api/contacts?search=${encodeURIComponent(email)}`);
  return page.data.find((contact) => contact.email === email.toLowerCase());
}

/** Every item of a paginated list. */
async function listAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const next = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const page: { data: T[]; nextCursor: string | null } = await api(
      "GET",
      `${path}${separator}limit=200${next}`,
    );
    items.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

async function timelineOf(contact: string): Promise<TimelineEntry[]> {
  return (await api<{ data: TimelineEntry[] }>("GET", `/api/contacts/${contact}/timeline`)).data;
}

const url = (path: string) => new URL(path, gateway.base).toString();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** A person needs this long to fill a form: anything faster is re-rendered as "That was quick!". */
const MIN_FILL_MS = 3_000;

/**
 * The submission test's page, published, with a genuine timing token (`_t`) of a rendering of it:
 * once older than the minimum fill time, it lets the validation (not the timer) answer a post.
 */
async function preparedFormPage() {
  const landing = await createPublished({ ...submissionPage(), slug: `xss-form-${runId}` });
  const response = await fetch(url(`/lp/${landing.slug}`));
  const rendered = Date.now();
  const token = /name="_t" value="([^"]+)"/.exec(await response.text())?.[1];
  if (response.status !== 200 || !token) throw new Error(`no timing token on the page (${response.status})`);
  return { landing, token, readyAt: rendered + MIN_FILL_MS + 300 };
}

/** Runs `work` over `items` with at most `limit` at once, in order of the items. */
async function inBatches<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
) {
  for (let start = 0; start < items.length; start += limit) {
    await Promise.all(items.slice(start, start + limit).map((item, offset) => work(item, start + offset)));
  }
}

/** Splits the vectors round-robin into `count` shares. */
function shares<T>(items: readonly T[], count: number): T[][] {
  return Array.from({ length: count }, (_, share) => items.filter((_, index) => index % count === share));
}

// ─── Browser hooks and DOM checks ────────────────────────────────────────────────────────────────

/**
 * Installed before any page script (init scripts run whatever the CSP says): every dialog, print and
 * console call, fetch/open and every CSP violation report is recorded in `window.__xss`.
 */
function installHooks() {
  const calls: string[] = [];
  Object.defineProperty(window, "__xss", { value: calls, configurable: false, writable: false });
  const recorder =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push(`${name}(${args.map((arg) => String(arg)).join(", ")})`);
      return undefined;
    };
  for (const name of ["alert", "confirm", "prompt", "print", "fetch", "open"]) {
    Object.defineProperty(window, name, { value: recorder(name), configurable: false, writable: false });
  }
  const consoleObject = console as unknown as Record<string, unknown>;
  for (const name of ["log", "info", "warn", "error", "debug", "trace", "dir", "table"]) {
    consoleObject[name] = recorder(`console.${name}`);
  }
  window.addEventListener(
    "securitypolicyviolation",
    (event) => {
      calls.push(`csp-violation(${event.effectiveDirective} ${event.blockedURI} ${event.sample})`);
    },
    true,
  );
}

/** What a page reported outside the DOM: dialogs, console messages, uncaught errors, other hosts. */
interface Observed {
  events: string[];
}

function observe(page: Page): Observed {
  const observed: Observed = { events: [] };
  const origin = new URL(gateway.base).origin;
  page.on("dialog", (dialog) => {
    observed.events.push(`dialog ${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => undefined);
  });
  page.on("console", (message) => {
    const source = message.location().url;
    // Chromium reports a document's own error status on the console: the 422 of a refused form is
    // the expected answer (pages that are not landing pages, like a 404 page, may ask for /favicon.ico).
    const expected =
      /^Failed to load resource: the server responded with a status of (422|404) /.test(message.text()) &&
      (source.endsWith("/submit") || source.endsWith("/favicon.ico"));
    if (!expected) observed.events.push(`console ${message.type()}: ${message.text()} (${source})`);
  });
  page.on("pageerror", (error) => observed.events.push(`pageerror: ${error.message}`));
  page.on("request", (request) => {
    if (new URL(request.url()).origin !== origin) observed.events.push(`request ${request.url()}`);
  });
  return observed;
}

/** The elements and attributes the renderer writes; anything else came from a payload. */
const ELEMENTS = [
  "html",
  "head",
  "meta",
  "title",
  "link",
  "style",
  "body",
  "header",
  "div",
  "h1",
  "h2",
  "h3",
  "p",
  "a",
  "main",
  "section",
  "ul",
  "li",
  "figure",
  "blockquote",
  "figcaption",
  "details",
  "summary",
  "form",
  "label",
  "input",
  "textarea",
  "select",
  "option",
  "button",
  "footer",
];
const ATTRIBUTES = [
  "lang",
  "charset",
  "name",
  "content",
  "property",
  "rel",
  "href",
  "class",
  "id",
  "aria-labelledby",
  "aria-hidden",
  "aria-invalid",
  "aria-describedby",
  "role",
  "method",
  "action",
  "accept-charset",
  "for",
  "type",
  "value",
  "required",
  "maxlength",
  "autocomplete",
  "selected",
  "checked",
  "tabindex",
];

/**
 * Everything the checks need from the live document, in one round trip (self-contained: it runs in
 * the page). `problems`: foreign or active elements, event handlers, script URLs; `slots`: the text
 * of every place a stored string is shown (textContent: exactly what the parser built).
 */
function inspect(allowed: { elements: string[]; attributes: string[]; controls: string[] }) {
  const texts = (selector: string) =>
    Array.from(document.querySelectorAll(selector)).map((node) => node.textContent);
  const attributes = (selector: string, name: string) =>
    Array.from(document.querySelectorAll(selector)).map((node) => node.getAttribute(name));
  const problems: string[] = [];
  const active =
    "script,iframe,frame,frameset,object,embed,applet,svg,math,img,image,video,audio,source,base,portal," +
    "template,meta[http-equiv],link[rel=import],link[rel=stylesheet],style ~ style";
  for (const element of Array.from(document.querySelectorAll(active))) {
    problems.push(`active element <${element.localName}>`);
  }
  const urlAttributes = ["href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"];
  for (const element of Array.from(document.querySelectorAll("*"))) {
    if (!allowed.elements.includes(element.localName))
      problems.push(`foreign element <${element.localName}>`);
    for (const attribute of Array.from(element.attributes)) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on")) problems.push(`event handler ${name} on <${element.localName}>`);
      if (!allowed.attributes.includes(name))
        problems.push(`foreign attribute ${name} on <${element.localName}>`);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers drop these inside URL schemes
      const squeezed = attribute.value.replace(/[\u0000-\u0020\u007f-\u009f\u200b\ufeff]/g, "").toLowerCase();
      // The one data: URL the renderer writes: the empty icon (it saves every view a favicon request).
      const emptyIcon = element.matches('head > link[rel="icon"]') && attribute.value === "data:,";
      if (urlAttributes.includes(name) && /^(javascript|data|vbscript):/.test(squeezed) && !emptyIcon) {
        problems.push(`script URL in ${name} on <${element.localName}>: ${attribute.value}`);
      }
    }
  }
  const consent = document.querySelector<HTMLInputElement>("#f-consent");
  return {
    recorded: (window as unknown as { __xss?: unknown }).__xss,
    problems,
    slots: {
      title: texts("head > title"),
      description: attributes('meta[name="description"]', "content"),
      ogTitle: attributes('meta[property="og:title"]', "content"),
      headline: texts("header h1"),
      subheadline: texts("header p"),
      cta: texts("header a.cta"),
      featureTitles: texts("ul.grid > li > h3"),
      featureDescriptions: texts("ul.grid > li > p"),
      quotes: texts("figure > blockquote > p"),
      authors: texts("figure > figcaption"),
      questions: texts("details > summary"),
      answers: texts("details > p"),
      labels: texts("form .field > label"),
      options: texts("form select option:not([value=''])"),
      optionValues: attributes("form select option:not([value=''])", "value"),
      consent: texts('label[for="f-consent"]'),
      submit: texts('form button[type="submit"]'),
      footer: texts("footer p"),
    },
    notice: { heading: texts("main.notice h1"), message: texts("main.notice p") },
    alert: texts('[role="alert"]'),
    invalid: attributes('[aria-invalid="true"]', "name"),
    values: Object.fromEntries(
      allowed.controls.map((name) => [
        name,
        document.querySelector<HTMLInputElement | HTMLTextAreaElement>(`#f-${name}`)?.value ?? null,
      ]),
    ),
    consentChecked: consent ? consent.checked : null,
  };
}
type Inspection = Awaited<ReturnType<typeof inspect>>;
type Slots = Inspection["slots"];

async function inspectPage(page: Page, controls: string[] = []): Promise<Inspection> {
  return page.evaluate(inspect, { elements: ELEMENTS, attributes: ATTRIBUTES, controls });
}

/**
 * Nothing ran or was reported (hooked calls and CSP reports; dialogs, console, errors and requests to
 * other hosts), and the DOM holds nothing active; with `slots`, every stored string is shown as is.
 * One assertion, so that a failure shows every symptom at once.
 */
function expectInert(inspection: Inspection, observed: Observed, what: string, slots?: Slots) {
  expect(
    {
      recorded: inspection.recorded,
      events: observed.events,
      problems: inspection.problems,
      ...(slots ? { slots: inspection.slots } : {}),
    },
    what,
  ).toEqual({ recorded: [], events: [], problems: [], ...(slots ? { slots } : {}) });
}

function expectCsp(response: { headers(): Record<string, string> } | null, what: string) {
  const csp = response?.headers()["content-security-policy"] ?? "";
  expect(csp, what).toContain("script-src 'none'");
  expect(csp, what).toContain("default-src 'none'");
}

// ─── Pages ───────────────────────────────────────────────────────────────────────────────────────

type FormBlock = Extract<LandingBlock, { type: "form" }>;

async function createPublished(body: {
  title: string;
  slug: string;
  content: LandingPageContent;
  settings?: Partial<LandingPage["settings"]>;
}): Promise<LandingPage> {
  const created = await api<LandingPage>("POST", "/api/landing-pages", body);
  return api<LandingPage>("POST", `/api/landing-pages/${created.id}/publish`);
}

/** One string per place; `put` chooses the payload or a filler, by place and maximum length. */
type Put = (place: string, max: number, filler: string) => string;

/** The richest page the schemas allow: 6 features, 4 quotes, 8 questions, 6 form fields with a select. */
function richPage(put: Put) {
  const blocks: LandingBlock[] = [
    {
      type: "hero",
      headline: put("hero.headline", 120, "Field notes that sync"),
      subheadline: put("hero.subheadline", 250, "Write offline, sync later."),
      cta_label: put("hero.cta_label", 40, "Join"),
    },
    {
      type: "features",
      items: Array.from({ length: 6 }, (_, index) => ({
        title: put(`features.${index}.title`, 80, `Feature ${index}`),
        description: put(`features.${index}.description`, 300, `Feature ${index} explained`),
      })),
    },
    {
      type: "social_proof",
      quotes: Array.from({ length: 4 }, (_, index) => ({
        quote: put(`social_proof.${index}.quote`, 300, `Quote ${index}`),
        author: put(`social_proof.${index}.author`, 100, `Author ${index}`),
      })),
    },
    {
      type: "faq",
      items: Array.from({ length: 8 }, (_, index) => ({
        question: put(`faq.${index}.question`, 200, `Question ${index}`),
        answer: put(`faq.${index}.answer`, 600, `Answer ${index}`),
      })),
    },
    {
      type: "form",
      fields: [
        { name: "email", type: "email", required: true, options: null, label: "" },
        { name: "first_name", type: "text", required: true, options: null, label: "" },
        { name: "last_name", type: "text", required: false, options: null, label: "" },
        { name: "company", type: "text", required: false, options: null, label: "" },
        { name: "message", type: "textarea", required: false, options: null, label: "" },
        { name: "plan", type: "select", required: false, options: [] as string[], label: "" },
      ].map((field, index) => ({
        ...field,
        label: put(`form.fields.${index}.label`, 80, `Label ${field.name}`),
        options:
          field.type === "select"
            ? [0, 1].map((option) => put(`form.fields.${index}.options.${option}`, 80, `Plan ${option}`))
            : null,
      })) as FormBlock["fields"],
      submit_label: put("form.submit_label", 40, "Send"),
    },
    { type: "footer", text: put("footer.text", 300, "Footer") },
  ];
  return {
    title: put("title", 200, "Rich page"),
    content: { blocks } as LandingPageContent,
    settings: {
      consent_text: put("settings.consent_text", 500, "I agree to hear from us."),
      thank_you_message: put("settings.thank_you_message", 300, "Thanks!"),
    },
  };
}
type RichPage = ReturnType<typeof richPage>;

/** The page body with `vector` everywhere it fits (and, when given, forced into one place). */
function pageWith(vector: string, forced?: string) {
  const placed: string[] = [];
  const tooLong: string[] = [];
  const body = richPage((place, max, filler) => {
    if (vector.length <= max || place === forced) {
      placed.push(place);
      return vector;
    }
    tooLong.push(place);
    return filler;
  });
  return { body, placed, tooLong };
}

function block<T extends LandingBlock["type"]>(content: LandingPageContent, type: T) {
  const found = content.blocks.find((item) => item.type === type);
  if (!found) throw new Error(`no ${type} block`);
  return found as Extract<LandingBlock, { type: T }>;
}

/** What inspect() must find in the slots of a page body. */
function expectedSlots(body: RichPage): Slots {
  const hero = block(body.content, "hero");
  const features = block(body.content, "features");
  const proof = block(body.content, "social_proof");
  const faq = block(body.content, "faq");
  const form = block(body.content, "form");
  const options = form.fields.flatMap((field) => field.options ?? []);
  return {
    title: [body.title],
    description: [hero.subheadline],
    ogTitle: [body.title],
    headline: [hero.headline],
    subheadline: [hero.subheadline],
    cta: [hero.cta_label],
    featureTitles: features.items.map((item) => item.title),
    featureDescriptions: features.items.map((item) => item.description),
    quotes: proof.quotes.map((quote) => quote.quote),
    authors: proof.quotes.map((quote) => quote.author),
    questions: faq.items.map((item) => item.question),
    answers: faq.items.map((item) => item.answer),
    labels: form.fields.map((field) => (field.required ? field.label : `${field.label} (optional)`)),
    options,
    optionValues: options,
    consent: [body.settings.consent_text],
    submit: [form.submit_label],
    footer: [block(body.content, "footer").text],
  };
}

/** A page with a form of six free-text inputs (and the email), for submissions. */
function submissionPage(): { title: string; content: LandingPageContent } {
  return {
    title: "Submission page",
    content: {
      blocks: [
        { type: "hero", headline: "Sign up", subheadline: "Tell us about you.", cta_label: "Go" },
        { type: "features", items: [{ title: "Fast", description: "Very fast." }] },
        {
          type: "form",
          fields: [
            { name: "email", label: "Email", type: "email", required: true, options: null },
            { name: "first_name", label: "First name", type: "text", required: true, options: null },
            { name: "last_name", label: "Last name", type: "text", required: false, options: null },
            { name: "company", label: "Company", type: "text", required: false, options: null },
            { name: "message", label: "Message", type: "textarea", required: false, options: null },
            { name: "phone", label: "Phone", type: "tel", required: false, options: null },
          ],
          submit_label: "Send",
        },
        { type: "footer", text: "Footer" },
      ],
    },
  };
}

// ─── Tests ───────────────────────────────────────────────────────────────────────────────────────

describe("the landing page in Chromium", () => {
  it("renders and submits without JavaScript: contact, timeline and consent stored", async () => {
    const slug = `browser-launch-${runId}`;
    const generated = await api<LandingPage>("POST", "/api/landing-pages/generate", {
      prompt: "A waitlist for offline-first field notes, synced when back online",
      slug,
      title: "Field notes waitlist",
    });
    const published = await api<LandingPage>("POST", `/api/landing-pages/${generated.id}/publish`);
    expect(published.status).toBe("published");
    const hero = block(published.content, "hero");
    const form = block(published.content, "form");
    const { consent_text: consentText, thank_you_message: thankYou } = published.settings;
    expect(consentText).toBeTruthy();

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const observed = observe(page);
    const email = `ada.${runId}@mail.example`;
    const typed: Record<string, string> = {};
    try {
      const response = await page.goto(url(`/lp/${slug}`));
      const renderedAt = Date.now();
      expect(response?.status()).toBe(200);
      expectCsp(response, "landing page");
      await expect.poll(() => page.locator("header h1").textContent()).toBe(hero.headline);
      await expect(page.locator("header h1").isVisible()).resolves.toBe(true);
      expect(await page.title()).toBe(published.title);
      expect(await page.getByRole("banner").count()).toBe(1);
      expect(await page.getByRole("main").count()).toBe(1);
      expect(await page.getByRole("contentinfo").count()).toBe(1);
      for (const field of form.fields) {
        const label = page.locator(`label[for="f-${field.name}"]`);
        expect(await label.textContent()).toBe(field.required ? field.label : `${field.label} (optional)`);
        expect(await label.isVisible()).toBe(true);
        // The control is named by its label (the accessible name is the label's whole text).
        const control = page.getByLabel(field.required ? field.label : `${field.label} (optional)`, {
          exact: true,
        });
        if (field.type === "select") {
          const choice = field.options?.[0] ?? "";
          await control.selectOption(choice);
          typed[field.name] = choice;
          continue;
        }
        const value =
          field.type === "email"
            ? email
            : field.type === "tel"
              ? PHONE
              : field.type === "textarea"
                ? "Looking forward to trying it in the field."
                : field.name === "first_name"
                  ? "Ada"
                  : field.name === "last_name"
                    ? "Lovelace"
                    : "Analytical Engines";
        await control.fill(value);
        typed[field.name] = value;
      }
      expect(typed.email).toBe(email);
      await page.getByLabel(consentText ?? "").check();
      await screenshot(page, "landing-page");

      // A person takes a few seconds: the form refuses anything faster than 3 s.
      await sleep(renderedAt + MIN_FILL_MS + 300 - Date.now());
      await page.getByRole("button", { name: form.submit_label }).click();
      await page.waitForURL(url(`/lp/${published.id}/thanks`));
      expect(await page.locator("main h1").textContent()).toBe("Thank you");
      expect(await page.locator("main p").textContent()).toBe(thankYou);
      await screenshot(page, "landing-page-thanks");
      expect(observed.events).toEqual([]);
    } finally {
      await context.close();
    }

    const contact = await contactByEmail(email);
    expect(contact, "the contact created by the form").toBeDefined();
    // The contact's own fields come from the form's fields of the same name.
    const own = Object.fromEntries(
      Object.entries(typed).filter(([name]) => ["first_name", "last_name", "email", "phone"].includes(name)),
    );
    expect(contact).toMatchObject({ ...own, status: "lead", source: `landing_page:${slug}` });
    const timeline = await timelineOf(contact?.id ?? "");
    expect(timeline.map((entry) => entry.type)).toEqual(
      expect.arrayContaining(["form_submission", "landing_page_visit"]),
    );
    const submission = timeline.find((entry) => entry.type === "form_submission");
    expect(submission?.metadata?.fields).toEqual(typed);
    const consent = await api<{ data: ConsentRecord[] }>("GET", `/api/contacts/${contact?.id}/consent`);
    expect(consent.data).toEqual([expect.objectContaining({ action: "opted_in", text: consentText })]);
  }, 60_000);

  it("shows every XSS vector in every block field as text, runs nothing and stores it unchanged", async () => {
    const started = Date.now();
    const pages = await Promise.all(
      Array.from({ length: WORKERS }, (_, index) =>
        createPublished({ ...pageWith("Placeholder").body, slug: `xss-blocks-${index}-${runId}` }),
      ),
    );
    const context: BrowserContext = await browser.newContext({
      javaScriptEnabled: true,
      viewport: XSS_VIEWPORT,
    });
    await context.addInitScript(installHooks);
    const counts = { vectors: 0, placed: 0, refused: 0 };
    try {
      // The hooks and the scan do notice injected script: a canary on a real page.
      const canary = await context.newPage();
      const canaryObserved = observe(canary);
      await canary.goto(url(`/lp/${pages[0]?.slug}`));
      await canary.evaluate(() => {
        document.body.insertAdjacentHTML("beforeend", "<img src=x onerror=alert(1)>");
        window.alert("canary");
      });
      await expect
        .poll(async () => (await inspectPage(canary)).recorded)
        .toEqual(
          expect.arrayContaining(["alert(canary)", expect.stringMatching(/^csp-violation\(script-src-attr/)]),
        );
      expect((await inspectPage(canary)).problems).toEqual(
        expect.arrayContaining(["active element <img>", "event handler onerror on <img>"]),
      );
      expect(canaryObserved.events.join("\n")).toMatch(/Content Security Policy/);
      await canary.close();

      await Promise.all(
        shares(XSS_VECTORS, WORKERS).map(async (vectors, worker) => {
          const landing = pages[worker] as LandingPage;
          const page = await context.newPage();
          const observed = observe(page);
          for (const vector of vectors) {
            const what = `vector ${JSON.stringify(vector)}`;
            const { body, placed, tooLong } = pageWith(vector);
            const patched = await send("PATCH", `/api/landing-pages/${landing.id}`, body);
            expect(patched.status, `${what}: PATCH ${JSON.stringify(patched.body)}`).toBe(200);
            // Where the vector is longer than a field allows, the edit is refused as a whole and
            // changes nothing (the stored page is read after the refusals, beside the browser's work).
            const storedAfterRefusals = async () => {
              const refusals = await Promise.all(
                tooLong.map((place) =>
                  send("PATCH", `/api/landing-pages/${landing.id}`, pageWith(vector, place).body),
                ),
              );
              refusals.forEach((refusal, index) => {
                expect(refusal.status, `${what} in ${tooLong[index]}`).toBe(422);
              });
              return api<LandingPage>("GET", `/api/landing-pages/${landing.id}`);
            };
            const inBrowser = async () => {
              const response = await page.goto(url(`/lp/${landing.slug}`));
              expect(response?.status(), what).toBe(200);
              expectCsp(response, what);
              const shown = await inspectPage(page);
              expectInert(shown, observed, what, expectedSlots(body));
              // The hero's headline (or, for a vector longer than a headline, its subheadline) is
              // the vector itself, as text.
              const hero = placed.includes("hero.headline") ? shown.slots.headline : shown.slots.subheadline;
              expect(hero, what).toEqual([vector]);

              const thanks = await page.goto(url(`/lp/${landing.id}/thanks`));
              expect(thanks?.status(), what).toBe(200);
              expectCsp(thanks, `${what} (thank-you page)`);
              const thanked = await inspectPage(page);
              expect({ ...thanked.notice, footer: thanked.slots.footer }, `${what} (thank-you page)`).toEqual(
                {
                  heading: ["Thank you"],
                  message: [body.settings.thank_you_message],
                  footer: [block(body.content, "footer").text],
                },
              );
              expectInert(thanked, observed, `${what} (thank-you page)`);
            };
            const [stored] = await Promise.all([storedAfterRefusals(), inBrowser()]);
            expect(stored.content, what).toEqual(body.content);
            expect(stored.title, what).toBe(body.title);
            expect(stored.settings, what).toMatchObject(body.settings);
            counts.vectors += 1;
            counts.placed += placed.length;
            counts.refused += tooLong.length;
          }
          await page.close();
        }),
      );
    } finally {
      await context.close();
    }
    expect(counts.vectors).toBe(XSS_VECTORS.length);
    console.info(
      `XSS in blocks: ${counts.vectors} vectors, ${counts.placed} vector × field renders, ` +
        `${counts.refused} too-long edits refused, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 300_000);

  it("shows every XSS vector in every submitted field as typed, runs nothing and stores it unchanged", async () => {
    const started = Date.now();
    const { landing, token, readyAt } = await formPage;
    await sleep(readyAt - Date.now());
    const context = await browser.newContext({ javaScriptEnabled: true, viewport: XSS_VIEWPORT });
    await context.addInitScript(installHooks);
    const textInputs = ["first_name", "last_name", "company", "message", "phone", "email"];
    const counts = { refusedInBrowser: 0, stored: 0, tooLongNames: 0 };

    /**
     * Each vector in every input of the form, sent by the browser with an invalid email (the vector):
     * the 422 page the server answers is loaded as a navigation (its CSP applies) and must show the
     * vector as typed. The next vector is sent from that page's own form.
     */
    const inBrowser = async () => {
      await Promise.all(
        shares(XSS_VECTORS, WORKERS).map(async (vectors) => {
          const page = await context.newPage();
          const observed = observe(page);
          const shown = await page.goto(url(`/lp/${landing.slug}`));
          expect(shown?.status()).toBe(200);
          for (const vector of vectors) {
            const what = `vector ${JSON.stringify(vector)} submitted`;
            // The vector goes into every input (one round trip: typing it key by key would only be
            // slower) and the consent is ticked. The validation answers, not the minimum fill time
            // (an older timing token of this page), and the browser's own checks are off so that
            // the invalid email reaches the server.
            await page.evaluate(
              ({ names, value, started }) => {
                const form = document.querySelector("form");
                const timing = document.querySelector<HTMLInputElement>('input[name="_t"]');
                const consent = document.querySelector<HTMLInputElement>("#f-consent");
                if (!form || !timing || !consent) throw new Error("the form is not as expected");
                for (const name of names) {
                  const control = document.querySelector<HTMLInputElement | HTMLTextAreaElement>(
                    `#f-${name}`,
                  );
                  if (!control) throw new Error(`no input ${name}`);
                  control.value = value;
                }
                consent.checked = true;
                form.noValidate = true;
                timing.value = started;
              },
              { names: textInputs, value: vector, started: token },
            );
            // A real (trusted) click on the submit button. `force` skips the wait for the button to
            // be still over two animation frames, which pages beside the active tab hardly get: the
            // click itself is the same, at a seventh of the time.
            const [response] = await Promise.all([
              page.waitForResponse((candidate) => candidate.url().endsWith("/submit")),
              page.locator('form button[type="submit"]').click({ force: true }),
            ]);
            await page.waitForURL(url(`/lp/${landing.id}/submit`));
            expect(response.status(), what).toBe(422);
            expectCsp(response, what);
            const refused = await inspectPage(page, textInputs);
            expect(refused.alert.join(" "), what).toContain("Please check the highlighted fields.");
            expect(refused.invalid, what).toContain("email");
            expect(refused.values, what).toEqual(
              Object.fromEntries(textInputs.map((name) => [name, vector])),
            );
            expect(refused.consentChecked, what).toBe(true);
            expectInert(refused, observed, what);
            counts.refusedInBrowser += 1;
          }
          await page.close();
        }),
      );
    };

    /**
     * Each vector in every free-text field of a valid submission from Node: the contact's names and
     * the submission's fields are stored as sent (a vector too long for a name is refused first).
     */
    const fromNode = async () => {
      const sent: Array<{ vector: string; email: string; names: { first_name: string; last_name: string } }> =
        [];
      await inBatches(XSS_VECTORS, POST_BATCH, async (vector, index) => {
        const what = `vector ${JSON.stringify(vector)} sent`;
        const email = `xss.${index}.${runId}@mail.example`;
        const post = async (names: { first_name: string; last_name: string }) => {
          const response = await fetch(url(`/lp/${landing.id}/submit`), {
            method: "POST",
            redirect: "manual",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
              _t: token,
              _website: "",
              _consent: "yes",
              email,
              ...names,
              company: vector,
              message: vector,
              phone: PHONE,
            }).toString(),
          });
          const text = await response.text();
          return { status: response.status, location: response.headers.get("location"), text };
        };
        let names = { first_name: vector, last_name: vector };
        if (vector.length > 100) {
          // Too long for a name: refused (422, both names marked); then sent with plain names.
          const refused = await post(names);
          expect(refused.status, what).toBe(422);
          expect(refused.text.match(/aria-invalid="true"/g)?.length, what).toBe(2);
          names = { first_name: "Long", last_name: "Vector" };
          counts.tooLongNames += 1;
        }
        const accepted = await post(names);
        expect(accepted.status, `${what}: ${accepted.text.slice(0, 200)}`).toBe(303);
        expect(accepted.location, what).toBe(`/lp/${landing.id}/thanks`);
        sent.push({ vector, email, names });
      });

      // Read back through the API: every contact, then each one's form submissions.
      const contacts = new Map<string, Contact>();
      for (const contact of await listAll<Contact>("/api/contacts?sort=created_at")) {
        contacts.set(contact.email, contact);
      }
      await inBatches(sent, POST_BATCH, async ({ vector, email, names }) => {
        const what = `vector ${JSON.stringify(vector)} stored`;
        const contact = contacts.get(email);
        expect(contact, what).toMatchObject({
          ...names,
          phone: PHONE,
          source: `landing_page:${landing.slug}`,
        });
        // One submission each: a refused one stored nothing.
        const entries = await listAll<TimelineEntry>(
          `/api/contacts/${contact?.id}/timeline?type=form_submission`,
        );
        expect(
          entries.map((entry) => entry.metadata?.fields),
          what,
        ).toEqual([{ email, ...names, company: vector, message: vector, phone: PHONE }]);
        counts.stored += 1;
      });
    };

    try {
      await Promise.all([inBrowser(), fromNode()]);
    } finally {
      await context.close();
    }
    expect(counts.refusedInBrowser).toBe(XSS_VECTORS.length);
    expect(counts.stored).toBe(XSS_VECTORS.length);
    console.info(
      `XSS in submissions: ${counts.refusedInBrowser} browser submissions × ${textInputs.length} fields ` +
        `re-rendered, ${counts.stored} stored from Node × 4 fields (${counts.tooLongNames} names too long: ` +
        `422 first), ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 300_000);
});
