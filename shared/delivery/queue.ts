import type { QueueMessage } from "../schemas/delivery.ts";

/** The delivery queue as the delivery code uses it (the platform's Queue binding, structurally). */
export interface Queue {
  send(body: QueueMessage, options?: { delaySeconds?: number }): Promise<void>;
  sendBatch(messages: Iterable<{ body: QueueMessage; delaySeconds?: number }>): Promise<void>;
}

/** Messages per `sendBatch` call (the Queues limit). */
const QUEUE_BATCH = 100;

/**
 * Hands `keys` to the queue in messages of at most `size` keys each (`body` makes a message of a
 * chunk), sent in batches the queue takes at once.
 */
export async function enqueueInChunks(
  queue: Queue,
  keys: readonly string[],
  size: number,
  body: (chunk: string[]) => QueueMessage,
): Promise<void> {
  const messages: Array<{ body: QueueMessage }> = [];
  for (let start = 0; start < keys.length; start += size) {
    messages.push({ body: body(keys.slice(start, start + size)) });
  }
  for (let start = 0; start < messages.length; start += QUEUE_BATCH) {
    await queue.sendBatch(messages.slice(start, start + QUEUE_BATCH));
  }
}
