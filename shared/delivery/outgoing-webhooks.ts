import { toBase64Url, toHex } from "../auth/encoding.ts";
import type { Repositories } from "../db/repositories/index.ts";
import { isNonPublicAddress, type WebhookEvent, webhookTargetProblem } from "../domain/webhooks.ts";
import type { Queue } from "./queue.ts";

/**
 * Outgoing webhooks (NotificationService). An event is logged once per subscription, sent through
 * the delivery queue (so a slow or failing receiver retries with backoff and never holds up a
 * request), signed with the subscription's secret:
 *
 *   X-CRM-Event: contact.created          X-CRM-Delivery: <delivery id>
 *   X-CRM-Timestamp: <unix seconds>       X-CRM-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
 *
 * Receivers should recompute the signature over the raw body and refuse timestamps older than a few
 * minutes. Targets must be https on a public host, checked when subscribing and again before each
 * send, including the addresses the host resolves to where the runtime can resolve names.
 */
export interface WebhookSettings {
  /** Development and tests only: allow http and loopback/private targets. */
  allowPrivateTargets: boolean;
  /** Resolves a host name to addresses (DNS over HTTPS in production); undefined skips the check. */
  resolve?: ((host: string) => Promise<string[]>) | undefined;
  fetch?: typeof fetch;
}

const TIMEOUT_MS = 10_000;

export async function signWebhook(secret: string, timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${body}`)),
  );
  return `v1=${toHex(signature)}`;
}

/** A fresh signing secret for a subscription that did not bring its own. */
export function generateWebhookSecret(): string {
  return `whsec_${toBase64Url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/**
 * Logs `event` for every subscription that wants it and queues the sends. `eventId` makes emitting
 * idempotent (the same id is delivered once per subscription). Returns how many deliveries it queued.
 */
export async function emitEvent(
  repos: Repositories,
  queue: Queue,
  event: WebhookEvent,
  eventId: string,
  data: Record<string, unknown>,
): Promise<number> {
  const payload = { id: eventId, type: event, created_at: new Date().toISOString(), data };
  const deliveries = await repos.webhooks.enqueueEvent(event, eventId, payload);
  if (deliveries.length > 0) {
    await queue.sendBatch(deliveries.map((delivery) => ({ body: { type: "webhook" as const, delivery } })));
  }
  return deliveries.length;
}

/** What the queue consumer does after an attempt. */
export type WebhookVerdict = { retry: false } | { retry: true; reason: string };

/** A `webhook` queue message: one signed POST, its outcome logged. */
export async function deliverWebhook(
  repos: Repositories,
  key: string,
  settings: WebhookSettings,
): Promise<WebhookVerdict> {
  const claimed = await repos.webhooks.claim(key);
  if (!claimed) return { retry: false }; // delivered, failed for good, or being sent by someone else
  const fail = async (error: string) => {
    await repos.webhooks.recordAttempt(key, { status: "failed", error });
    return { retry: false } as const;
  };
  if (!claimed.active) return fail("the subscription is disabled");
  let problem: string | undefined;
  try {
    problem = await targetProblem(claimed.url, settings);
  } catch (error) {
    // The address check could not run (DNS-over-HTTPS down or slow): try again later, never skip it.
    const reason = `could not check the target's addresses: ${error instanceof Error ? error.message : String(error)}`;
    await repos.webhooks.recordAttempt(key, { status: "pending", error: reason });
    return { retry: true, reason };
  }
  if (problem) return fail(`refused target: ${problem}`);

  const body = JSON.stringify(claimed.payload);
  const timestamp = String(Math.floor(Date.now() / 1000));
  let status: number | null = null;
  let error: string | null = null;
  try {
    const response = await (settings.fetch ?? fetch)(claimed.url, {
      method: "POST",
      redirect: "manual", // a redirect could lead anywhere, including inside our network
      headers: {
        "content-type": "application/json",
        "user-agent": "EdgeCRM-Webhooks/1",
        "x-crm-event": claimed.event,
        "x-crm-delivery": claimed.id,
        "x-crm-timestamp": timestamp,
        "x-crm-signature": await signWebhook(claimed.secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    status = response.status;
    await response.body?.cancel().catch(() => undefined);
  } catch (caught) {
    error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
  }
  if (status !== null && status >= 200 && status < 300) {
    await repos.webhooks.recordAttempt(key, { status: "delivered", httpStatus: status });
    return { retry: false };
  }
  const transient = status === null || status === 408 || status === 429 || status >= 500;
  const reason = error ?? `the receiver answered HTTP ${status}`;
  await repos.webhooks.recordAttempt(key, {
    status: transient ? "pending" : "failed",
    httpStatus: status,
    error: reason,
  });
  return transient ? { retry: true, reason } : { retry: false };
}

async function targetProblem(url: string, settings: WebhookSettings): Promise<string | undefined> {
  const problem = webhookTargetProblem(url, { allowPrivate: settings.allowPrivateTargets });
  if (problem || settings.allowPrivateTargets || !settings.resolve) return problem;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  if (/^[\d.]+$/.test(host) || host.includes(":")) return undefined; // an address, checked above
  const addresses = await settings.resolve(host);
  if (addresses.length === 0) return "the host does not resolve";
  return addresses.some(isNonPublicAddress) ? "the host resolves to a private address" : undefined;
}

/** Resolves A and AAAA records over DNS-over-HTTPS (JSON API), for the send-time address check. */
export function dohResolver(endpoint: string, fetcher: typeof fetch = fetch) {
  return async (host: string): Promise<string[]> => {
    const lookups = ["A", "AAAA"].map(async (type) => {
      const response = await fetcher(`${endpoint}?name=${encodeURIComponent(host)}&type=${type}`, {
        headers: { accept: "application/dns-json" },
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) throw new Error(`DNS lookup failed: HTTP ${response.status}`);
      const json = (await response.json()) as { Answer?: Array<{ type: number; data: string }> };
      return (json.Answer ?? [])
        .filter((answer) => answer.type === 1 || answer.type === 28)
        .map((a) => a.data);
    });
    // Both lookups settle before anything is thrown, so neither rejection goes unhandled.
    const settled = await Promise.allSettled(lookups);
    const failed = settled.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    return settled.flatMap((result) => (result.status === "fulfilled" ? result.value : []));
  };
}

/**
 * The cron's sweep for webhooks: deliveries still pending long after they were queued (their
 * message was lost) are queued again. A delivery is only ever sent by whoever claims it.
 */
export async function sweepWebhooks(repos: Repositories, queue: Queue, now: Date): Promise<number> {
  const stalled = await repos.webhooks.stalled(new Date(now.getTime() - 20 * 60_000), 500);
  if (stalled.length === 0) return 0;
  await repos.webhooks.touch(stalled);
  await queue.sendBatch(stalled.map((delivery) => ({ body: { type: "webhook" as const, delivery } })));
  return stalled.length;
}
