import type { OutboxRepository } from "../db/repositories/outbox.repository.ts";
import type { OutgoingEmail } from "../schemas/delivery.ts";

/** What a transport says about one message of a batch, in the batch's order. */
export type SendResult =
  | { ok: true; providerMessageId: string | null }
  /**
   * `transient`: worth retrying later (rate limit, 5xx, timeout); otherwise final. `retryAfter`: the
   * provider said when (seconds), which beats guessing with backoff.
   */
  | { ok: false; transient: boolean; error: string; retryAfter?: number };

/**
 * How rendered emails leave. One interface, chosen by configuration (EMAIL_TRANSPORT). A transport
 * receives at most 100 messages at a time and must treat `delivery` as an idempotency key: the same
 * delivery handed over twice (a retried queue message) must not reach the recipient twice.
 */
export interface EmailTransport {
  readonly name: string;
  send(messages: readonly OutgoingEmail[]): Promise<SendResult[]>;
}

/**
 * The local default: each message, with its headers, is stored in SurrealDB instead of sent, and
 * listed at GET /api/outbox. Storing is keyed by delivery (unique), so a repeat stores nothing new.
 */
export class OutboxTransport implements EmailTransport {
  readonly name = "outbox";
  readonly #outbox: OutboxRepository;

  constructor(outbox: OutboxRepository) {
    this.#outbox = outbox;
  }

  async send(messages: readonly OutgoingEmail[]): Promise<SendResult[]> {
    try {
      await this.#outbox.store(messages);
      return messages.map(() => ({ ok: true, providerMessageId: null }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return messages.map(() => ({ ok: false, transient: true, error: `outbox: ${message}` }));
    }
  }
}
