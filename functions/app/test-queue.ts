import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import type { QueueMessage } from "@crm/shared/schemas";
import gateway from "../index.ts";
import type { QueueProducer } from "./env.ts";
import type { TestApi } from "./test-client.ts";

/**
 * A delivery queue for API tests. Each test file works in a database of its own, which the platform's
 * queue consumer (bound to the default test database) cannot know; so tests capture what the Worker
 * enqueues and hand it to the Worker's own `queue()` handler, the way the platform would, message
 * attempts and retries included.
 */
export class CapturedQueue implements QueueProducer<QueueMessage> {
  pending: Array<{ body: QueueMessage; attempts: number }> = [];
  /** Messages that used up their retries (wrangler.toml `max_retries`), as the platform would DLQ them. */
  deadLetters: Array<{ body: QueueMessage; attempts: number }> = [];
  sent = 0;
  /** The delay each retry asked for, in order (the backoff). */
  retryDelays: number[] = [];

  /** `maxRetries`: wrangler.toml's max_retries for the delivery queue. */
  constructor(readonly maxRetries = 5) {}

  async send(body: QueueMessage): Promise<void> {
    this.pending.push({ body: structuredClone(body), attempts: 1 });
    this.sent += 1;
  }

  async sendBatch(messages: Iterable<{ body: QueueMessage }>): Promise<void> {
    for (const message of messages) await this.send(message.body);
  }

  /**
   * Delivers what is pending in batches of `batchSize` to the Worker's queue handler until nothing is
   * left (retried messages come back with one more attempt, at once), or only `maxBatches` batches;
   * returns how many batches ran.
   */
  async drain(api: TestApi, options: { batchSize?: number; maxBatches?: number } = {}): Promise<number> {
    let batches = 0;
    while (this.pending.length > 0) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) break;
      if (batches >= 200) throw new Error("the queue did not drain");
      batches += 1;
      await this.deliver(api, this.pending.splice(0, options.batchSize ?? 10));
    }
    if (this.deadLetters.length > 0 && this.pending.length === 0) {
      await this.deliver(api, this.deadLetters.splice(0), "crm-delivery-dlq");
    }
    return batches;
  }

  /** Hands exactly these messages to the queue handler; returns the ids it asked to retry. */
  async deliver(
    api: TestApi,
    messages: Array<{ body: QueueMessage; attempts: number }>,
    queueName = "crm-delivery",
  ): Promise<string[]> {
    const batch = createMessageBatch<QueueMessage>(
      queueName,
      messages.map((message, index) => ({
        id: `msg-${index}-${crypto.randomUUID()}`,
        timestamp: new Date(),
        attempts: message.attempts,
        body: message.body,
      })),
    );
    const ctx = createExecutionContext();
    // The platform's retry() keeps the requested delay to itself here; record it on the way through.
    const observed = {
      queue: batch.queue,
      messages: batch.messages.map((message) => ({
        id: message.id,
        body: message.body,
        attempts: message.attempts,
        ack: () => message.ack(),
        retry: (options?: { delaySeconds?: number }) => {
          this.retryDelays.push(options?.delaySeconds ?? 0);
          message.retry(options);
        },
      })),
    };
    await gateway.queue(observed, api.env);
    const result = await getQueueResult(batch, ctx);
    const retried = (result.retryMessages as Array<{ msgId: string }>).map((retry) => retry.msgId);
    batch.messages.forEach((message, index) => {
      const original = messages[index];
      if (original && retried.includes(message.id) && queueName === "crm-delivery") {
        const again = { body: original.body, attempts: original.attempts + 1 };
        if (original.attempts > this.maxRetries) this.deadLetters.push(original);
        else this.pending.push(again);
      }
    });
    return retried;
  }
}
