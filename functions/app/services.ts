import { createRepositories, DbClient, type Repositories } from "@crm/shared/db";
import {
  dohResolver,
  type EmailTransport,
  OutboxTransport,
  PostmarkTransport,
  type Queue,
  ResendTransport,
  type WebhookSettings,
} from "@crm/shared/delivery";
import { AppError } from "@crm/shared/errors";
import type { AppConfig, WorkerBindings } from "./env.ts";

/**
 * Everything a request may use, built for that request only (Workers cannot share sockets between
 * requests). The database connection opens on first use and is closed when the request ends.
 */
export class RequestServices {
  readonly config: AppConfig;
  readonly #queue: WorkerBindings["DELIVERY_QUEUE"];
  #db: Promise<DbClient> | undefined;
  #repositories: Promise<Repositories> | undefined;
  readonly #afterResponse: Promise<void>[] = [];

  constructor(config: AppConfig, bindings: Pick<WorkerBindings, "DELIVERY_QUEUE"> = {}) {
    this.config = config;
    this.#queue = bindings.DELIVERY_QUEUE;
  }

  /** The delivery queue's producer (campaign runs and sends). */
  queue(): Queue {
    if (!this.#queue) {
      throw new AppError("configuration_error", "the DELIVERY_QUEUE binding is missing (see wrangler.toml)", {
        variables: ["DELIVERY_QUEUE"],
      });
    }
    return this.#queue;
  }

  /** How outgoing webhooks check their targets (WEBHOOK_ALLOW_PRIVATE_TARGETS, WEBHOOK_DOH_URL). */
  webhookSettings(): WebhookSettings {
    const { allowPrivateTargets, dohUrl } = this.config.delivery.outgoingWebhooks;
    return { allowPrivateTargets, resolve: allowPrivateTargets ? undefined : dohResolver(dohUrl) };
  }

  /** The configured email transport (EMAIL_TRANSPORT). */
  async transport(): Promise<EmailTransport> {
    const transport = this.config.delivery.transport;
    if (transport.kind === "resend") return new ResendTransport(transport);
    if (transport.kind === "postmark") return new PostmarkTransport(transport);
    return new OutboxTransport((await this.repositories()).outbox);
  }

  db(): Promise<DbClient> {
    this.#db ??= DbClient.open(this.config.database);
    return this.#db;
  }

  repositories(): Promise<Repositories> {
    this.#repositories ??= this.db().then(createRepositories);
    return this.#repositories;
  }

  /**
   * Work the response does not wait for (a page view): it runs now, and the connection is closed only
   * once it is done. A failure is logged; nobody is waiting for an answer.
   */
  afterResponse(label: string, work: (repos: Repositories) => Promise<void>): void {
    this.#afterResponse.push(
      this.repositories()
        .then(work)
        .catch((error: unknown) => console.error(JSON.stringify({ work: label, error: String(error) }))),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.#afterResponse);
    const opening = this.#db;
    this.#db = undefined;
    this.#repositories = undefined;
    const db = await opening?.catch(() => undefined);
    await db?.close();
  }
}
