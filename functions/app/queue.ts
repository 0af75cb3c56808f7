import {
  deliverWebhook,
  failExhausted,
  prepareRun,
  sendDeliveries,
  sendInvitations,
  sendOptInConfirmation,
} from "@crm/shared/delivery";
import { QueueMessageSchema } from "@crm/shared/schemas";
import { loadConfig, type WorkerBindings } from "./env.ts";
import { RequestServices } from "./services.ts";

/** The platform's queue batch, structurally (so this module type-checks outside the Workers types). */
export interface QueueBatch {
  readonly queue: string;
  readonly messages: readonly QueueDelivery[];
}
export interface QueueDelivery {
  readonly id: string;
  readonly body: unknown;
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

/** The dead-letter queue's name ends like this (wrangler.toml: `dead_letter_queue`). */
export const DEAD_LETTER_SUFFIX = "-dlq";
const MAX_DELAY_SECONDS = 15 * 60;

/** Exponential backoff: base, 2×base, 4×base, … capped at 15 minutes. */
export function retryDelay(attempts: number, baseSeconds: number): number {
  return Math.min(MAX_DELAY_SECONDS, baseSeconds * 2 ** Math.max(0, attempts - 1));
}

/**
 * The delivery queue's consumer. Each message is handled on its own: acked when done, retried with
 * backoff when the work failed transiently (database down, provider 429/5xx). A message that keeps
 * failing goes to the dead-letter queue (max_retries in wrangler.toml), whose consumer marks what is
 * left of it failed, with the last error, so nothing is dropped silently.
 */
export async function handleQueue(batch: QueueBatch, env: WorkerBindings): Promise<void> {
  const config = loadConfig(env);
  const services = new RequestServices(config, env);
  try {
    // Messages are independent (each claims its own deliveries), so a few run at once: the time of a
    // batch is mostly round trips to the database, which overlap well on one connection.
    const waiting = [...batch.messages];
    const worker = async () => {
      for (let message = waiting.shift(); message; message = waiting.shift()) {
        await handleMessage(batch.queue, message, services);
      }
    };
    await Promise.all(Array.from({ length: MESSAGE_CONCURRENCY }, worker));
  } finally {
    await services.close();
  }
}

/** Messages of one batch handled at the same time. */
const MESSAGE_CONCURRENCY = 4;

async function handleMessage(queue: string, message: QueueDelivery, services: RequestServices) {
  const config = services.config;
  const parsed = QueueMessageSchema.safeParse(message.body);
  if (!parsed.success) {
    console.error(JSON.stringify({ queue, message: message.id, error: "malformed message" }));
    message.ack();
    return;
  }
  const body = parsed.data;
  try {
    const repos = await services.repositories();
    let retry = false;
    let delaySeconds: number | undefined;
    if (queue.endsWith(DEAD_LETTER_SUFFIX)) {
      if (body.type === "send") await failExhausted(repos, services.queue(), body);
      if (body.type === "webhook") await repos.webhooks.giveUp(body.delivery);
      if (body.type === "invite")
        await repos.events.failInvitations(body.event, body.contacts, "gave up after retries");
      if (body.type === "optin")
        await repos.landingPages.recordOptInEmail(body.consent, { failed: "gave up after retries" });
    } else if (body.type === "prepare") {
      await prepareRun(repos, services.queue(), config.delivery, body.run);
    } else if (body.type === "send") {
      const transport = await services.transport();
      const verdict = await sendDeliveries(repos, services.queue(), transport, config.delivery, body);
      retry = verdict.retry;
      // A provider that said when to come back (Retry-After on a 429) is believed over the backoff.
      if (verdict.retry) delaySeconds = verdict.delaySeconds;
    } else if (body.type === "invite") {
      const verdict = await sendInvitations(repos, await services.transport(), config.delivery, body);
      retry = verdict.retry;
      if (verdict.retry) delaySeconds = verdict.delaySeconds;
    } else if (body.type === "optin") {
      const verdict = await sendOptInConfirmation(
        repos,
        await services.transport(),
        config.delivery,
        body.consent,
      );
      retry = verdict.retry;
      if (verdict.retry) delaySeconds = verdict.delaySeconds;
    } else {
      retry = (await deliverWebhook(repos, body.delivery, services.webhookSettings())).retry;
    }
    if (retry) {
      message.retry({
        delaySeconds: delaySeconds ?? retryDelay(message.attempts, config.delivery.retryBaseSeconds),
      });
    } else {
      message.ack();
    }
  } catch (error) {
    console.error(JSON.stringify({ queue, message: message.id, type: body.type, error: String(error) }));
    message.retry({ delaySeconds: retryDelay(message.attempts, config.delivery.retryBaseSeconds) });
  }
}
