import { hashApiKey, newApiKeySecret } from "../../auth/api-key-secret.ts";
import {
  type ApiKey,
  type ApiKeyCreate,
  type ApiKeyCreated,
  type ApiKeyListQuery,
  ApiKeySchema,
} from "../../schemas/auth.ts";
import type { DbClient } from "../client.ts";
import { type Page, TableRepository } from "./table.repository.ts";

export class ApiKeyRepository {
  readonly rows: TableRepository<typeof ApiKeySchema>;

  constructor(db: DbClient) {
    this.rows = new TableRepository(db, {
      table: "api_key",
      schema: ApiKeySchema,
      sortFields: ["created_at", "name"],
      dateFields: ["created_at"],
      writable: ["name", "prefix", "hash", "scopes", "expires_at"],
    });
  }

  require(key: string) {
    return this.rows.require(key);
  }

  list(query: ApiKeyListQuery): Promise<Page<ApiKey>> {
    return this.rows.list({ sort: query.sort, limit: query.limit, cursor: query.cursor });
  }

  /** Creates a key; its secret is in this result only (the database keeps its hash). */
  async create(input: ApiKeyCreate): Promise<ApiKeyCreated> {
    const { secret, prefix, hash } = await newApiKeySecret();
    const key = await this.rows.create({
      name: input.name,
      scopes: input.scopes,
      prefix,
      hash,
      ...(input.expires_at ? { expires_at: new Date(input.expires_at) } : {}),
    });
    return { ...key, secret };
  }

  /** Revokes a key at once (it stays listed, with `revoked_at`). False when there is no such key. */
  async revoke(key: string): Promise<boolean> {
    const id = this.rows.id(key);
    if (!id) return false;
    const [rows] = await this.rows.db.query<[unknown[]]>(
      "UPDATE $id SET revoked_at = revoked_at ?? time::floor(time::now(), 1ms) RETURN AFTER",
      { id },
    );
    return rows.length > 0;
  }

  /**
   * The key for a presented secret, if it is valid (not revoked, not expired). Notes the use at most
   * once a minute, in the same round trip, so busy keys do not turn every request into a write.
   */
  async authenticate(secret: string): Promise<ApiKey | undefined> {
    const results = await this.rows.db.query(
      `LET $key = (SELECT * FROM ONLY api_key WHERE hash = $hash LIMIT 1);
       IF $key != NONE AND $key.revoked_at = NONE AND ($key.last_used_at = NONE OR $key.last_used_at < time::now() - 1m) {
         UPDATE $key.id SET last_used_at = time::floor(time::now(), 1ms);
       };
       RETURN $key;`,
      { hash: await hashApiKey(secret) },
    );
    const row = results.at(-1);
    if (!row) return undefined;
    const key = this.rows.toEntity(row);
    if (key.revoked_at !== null) return undefined;
    if (key.expires_at !== null && Date.parse(key.expires_at) <= Date.now()) return undefined;
    return key;
  }
}
