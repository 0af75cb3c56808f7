import {
  deliverWebhook,
  failExhausted,
  giveUpWebhook,
  prepareRun,
  sendDeliveries,
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
  const deadLetters = batch.queue.endsWith(DEAD_LETTER_SUFFIX);
  try {
    for (const message of batch.messages) {
      const parsed = QueueMessageSchema.safeParse(message.body);
      if (!parsed.success) {
        console.error(
          JSON.stringify({ queue: batch.queue, message: message.id, error: "malformed message" }),
        );
        message.ack();
        continue;
      }
      const body = parsed.data;
      try {
        const repos = await services.repositories();
        let retry = false;
        let delaySeconds: number | undefined;
        if (deadLetters) {
          if (body.type === "send") await failExhausted(repos, services.queue(), body);
          if (body.type === "webhook") await giveUpWebhook(repos, body.delivery);
        } else if (body.type === "prepare") {
          await prepareRun(repos, services.queue(), config.delivery, body.run);
        } else if (body.type === "send") {
          const transport = await services.transport();
          const verdict = await sendDeliveries(repos, services.queue(), transport, config.delivery, body);
          retry = verdict.retry;
          // A provider that said when to come back (Retry-After on a 429) is believed over the backoff.
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
        console.error(
          JSON.stringify({ queue: batch.queue, message: message.id, type: body.type, error: String(error) }),
        );
        message.retry({ delaySeconds: retryDelay(message.attempts, config.delivery.retryBaseSeconds) });
      }
    }
  } finally {
    await services.close();
  }
}
