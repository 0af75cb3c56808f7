import { sha256Hex } from "../auth/encoding.ts";
import type { OutgoingEmail } from "../schemas/delivery.ts";
import type { EmailTransport, SendResult } from "./transport.ts";

/**
 * Email providers over their documented HTTP batch APIs. Both are sent at most 100 messages per call
 * (one queue message); a request-level 429, 5xx, timeout or network error is transient (the queue
 * retries with backoff), anything else final. The delivery id travels with each message, and Resend
 * also receives an Idempotency-Key for the batch, so a retried batch is not sent twice.
 */

const TIMEOUT_MS = 15_000;

export interface ProviderOptions {
  apiKey: string;
  /** Override for tests and proxies; default the provider's public API. */
  baseUrl?: string | undefined;
  /** The account's request rate (Resend's default is 2 per second); requests are spaced to stay under it. */
  requestsPerSecond?: number | undefined;
  fetch?: typeof fetch;
}

/**
 * When each API key may next send. Module state on purpose, like the database token cache: it is a
 * number, not an I/O object, and it lets one isolate's consecutive batches keep the provider's pace
 * instead of running into 429s (the queue consumer runs with max_concurrency = 1).
 */
const nextSlot = new Map<string, number>();

async function paced(options: ProviderOptions): Promise<void> {
  const rate = options.requestsPerSecond;
  if (!rate || rate <= 0) return;
  const interval = 1050 / rate;
  const now = Date.now();
  const slot = Math.max(now, nextSlot.get(options.apiKey) ?? 0);
  // 5% under the limit: requests spaced exactly at it land in the provider's window with jitter.
  nextSlot.set(options.apiKey, slot + interval);
  if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  // A busy isolate can send later than its slot; the next request keeps its distance from when this
  // one really left, or a late request and an on-time one share a window of the provider's limiter.
  nextSlot.set(options.apiKey, Math.max(nextSlot.get(options.apiKey) ?? 0, Date.now() + interval));
}

async function post(
  options: ProviderOptions,
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<{ status: number; json: unknown; text: string; retryAfter?: number } | { error: string }> {
  await paced(options);
  try {
    const response = await (options.fetch ?? fetch)(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const retryAfter = Number(response.headers.get("retry-after"));
    return { status: response.status, json, text, ...(retryAfter > 0 ? { retryAfter } : {}) };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

function failAll(count: number, transient: boolean, error: string, retryAfter?: number): SendResult[] {
  return Array.from({ length: count }, () => ({
    ok: false,
    transient,
    error,
    ...(retryAfter ? { retryAfter } : {}),
  }));
}

const isTransientStatus = (status: number) => status === 429 || status >= 500;

/** A short, stable key for one batch of deliveries (sorted, so the same batch gets the same key). */
async function batchKey(messages: readonly OutgoingEmail[]): Promise<string> {
  const ids = messages.map((message) => `${message.kind}:${message.delivery}`).sort();
  return `crm-deliveries/${await sha256Hex(ids.join(","))}`;
}

/** Resend: `POST /emails/batch` (https://resend.com/docs/api-reference/emails/send-batch-emails). */
export class ResendTransport implements EmailTransport {
  readonly name = "resend";
  readonly #options: ProviderOptions;

  constructor(options: ProviderOptions) {
    this.#options = options;
  }

  async send(messages: readonly OutgoingEmail[]): Promise<SendResult[]> {
    if (messages.length === 0) return [];
    const base = (this.#options.baseUrl ?? "https://api.resend.com").replace(/\/+$/, "");
    const answer = await post(
      this.#options,
      `${base}/emails/batch`,
      { authorization: `Bearer ${this.#options.apiKey}`, "idempotency-key": await batchKey(messages) },
      messages.map((message) => ({
        from: message.from,
        to: [message.to],
        subject: message.subject,
        html: message.html,
        text: message.text,
        headers: message.headers,
        tags: [
          { name: "kind", value: message.kind },
          { name: "delivery", value: message.delivery },
          ...(message.campaign ? [{ name: "campaign", value: message.campaign }] : []),
        ],
      })),
    );
    if ("error" in answer) return failAll(messages.length, true, `resend: ${answer.error}`);
    if (answer.status < 200 || answer.status >= 300) {
      const detail = (answer.json as { message?: string } | undefined)?.message ?? answer.text.slice(0, 200);
      return failAll(
        messages.length,
        isTransientStatus(answer.status),
        `resend: HTTP ${answer.status} ${detail}`,
        answer.retryAfter,
      );
    }
    const ids = (answer.json as { data?: Array<{ id?: string }> } | undefined)?.data ?? [];
    return messages.map((_, index) => ({ ok: true, providerMessageId: ids[index]?.id ?? null }));
  }
}

/** Postmark: `POST /email/batch` (https://postmarkapp.com/developer/user-guide/send-email-with-api/batch-emails). */
export class PostmarkTransport implements EmailTransport {
  readonly name = "postmark";
  readonly #options: ProviderOptions & { messageStream: string };

  constructor(options: ProviderOptions & { messageStream?: string | undefined }) {
    this.#options = { ...options, messageStream: options.messageStream ?? "broadcast" };
  }

  async send(messages: readonly OutgoingEmail[]): Promise<SendResult[]> {
    if (messages.length === 0) return [];
    const base = (this.#options.baseUrl ?? "https://api.postmarkapp.com").replace(/\/+$/, "");
    const answer = await post(
      this.#options,
      `${base}/email/batch`,
      { "x-postmark-server-token": this.#options.apiKey },
      messages.map((message) => ({
        From: message.from,
        To: message.to,
        Subject: message.subject,
        HtmlBody: message.html,
        TextBody: message.text,
        Headers: Object.entries(message.headers).map(([Name, Value]) => ({ Name, Value })),
        MessageStream: this.#options.messageStream,
        // Our own tracking links are in the message; Postmark's would wrap them again.
        TrackOpens: false,
        TrackLinks: "None",
        Metadata: {
          kind: message.kind,
          delivery: message.delivery,
          ...(message.campaign ? { campaign: message.campaign } : {}),
        },
      })),
    );
    if ("error" in answer) return failAll(messages.length, true, `postmark: ${answer.error}`);
    if (answer.status !== 200 || !Array.isArray(answer.json)) {
      const detail = (answer.json as { Message?: string } | undefined)?.Message ?? answer.text.slice(0, 200);
      return failAll(
        messages.length,
        isTransientStatus(answer.status),
        `postmark: HTTP ${answer.status} ${detail}`,
        answer.retryAfter,
      );
    }
    // 200 even when single messages fail: each answer says (in order) what became of its message.
    const results = answer.json as Array<{ ErrorCode?: number; Message?: string; MessageID?: string }>;
    return messages.map((_, index) => {
      const result = results[index];
      if (result && result.ErrorCode === 0) return { ok: true, providerMessageId: result.MessageID ?? null };
      const code = result?.ErrorCode ?? -1;
      // 429 (rate limit) and 100 (maintenance) pass; anything else about the message will not change.
      return {
        ok: false,
        transient: code === 429 || code === 100 || code === -1,
        error: `postmark: error ${code} ${result?.Message ?? "no answer for this message"}`,
      };
    });
  }
}
