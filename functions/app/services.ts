import { createRepositories, DbClient, type Repositories } from "@crm/shared/db";
import type { AppConfig } from "./env.ts";

/**
 * Everything a request may use, built for that request only (Workers cannot share sockets between
 * requests). The database connection opens on first use and is closed when the request ends.
 */
export class RequestServices {
  readonly config: AppConfig;
  #db: Promise<DbClient> | undefined;
  #repositories: Promise<Repositories> | undefined;

  constructor(config: AppConfig) {
    this.config = config;
  }

  db(): Promise<DbClient> {
    this.#db ??= DbClient.open(this.config.database);
    return this.#db;
  }

  repositories(): Promise<Repositories> {
    this.#repositories ??= this.db().then(createRepositories);
    return this.#repositories;
  }

  async close(): Promise<void> {
    const opening = this.#db;
    this.#db = undefined;
    this.#repositories = undefined;
    const db = await opening?.catch(() => undefined);
    await db?.close();
  }
}
