import { hashApiKey, newApiKeySecret } from "../../auth/api-key-secret.ts";
import { effectiveScopes, ROLE_SCOPES, type Role, type Scope } from "../../domain/access.ts";
import {
  type ApiKey,
  type ApiKeyCreate,
  type ApiKeyCreated,
  type ApiKeyListQuery,
  ApiKeySchema,
} from "../../schemas/auth.ts";
import type { DbClient } from "../client.ts";
import { recordId } from "../record-id.ts";
import { type Page, TableRepository } from "./table.repository.ts";

export interface AuthenticatedKey {
  key: ApiKey;
  /** What the key may do now: its scopes, capped by its creator's current role. */
  scopes: Scope[];
  /** The user the key acts for, if any. */
  actingUser: string | undefined;
}

export class ApiKeyRepository {
  readonly rows: TableRepository<typeof ApiKeySchema>;

  constructor(db: DbClient) {
    this.rows = new TableRepository(db, {
      table: "api_key",
      schema: ApiKeySchema,
      sortFields: ["created_at", "name"],
      dateFields: ["created_at"],
      writable: ["name", "prefix", "hash", "scopes", "expires_at", "created_by"],
    });
  }

  require(key: string) {
    return this.rows.require(key);
  }

  list(query: ApiKeyListQuery): Promise<Page<ApiKey>> {
    return this.rows.list(query);
  }

  /**
   * Creates a key; its secret is in this result only (the database keeps its hash). `createdBy` is
   * the user it acts for (the caller, or the user behind the calling key); none for the admin token.
   */
  async create(input: ApiKeyCreate, createdBy: string | undefined): Promise<ApiKeyCreated> {
    const { secret, prefix, hash } = await newApiKeySecret();
    const creator = createdBy ? recordId("app_user", createdBy) : undefined;
    const key = await this.rows.create({
      name: input.name,
      scopes: input.scopes,
      prefix,
      hash,
      ...(input.expires_at ? { expires_at: new Date(input.expires_at) } : {}),
      ...(creator ? { created_by: creator } : {}),
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
   * The key for a presented secret if it is valid (not revoked, not expired, its creator still
   * enabled), with what it may do now: its scopes, capped by its creator's current role. Notes the
   * use at most once a minute, in the same round trip, so busy keys do not turn every request into
   * a write.
   */
  async authenticate(secret: string): Promise<AuthenticatedKey | undefined> {
    const results = await this.rows.db.query(
      `LET $key = (
         SELECT *, created_by.role AS creator_role, created_by.disabled AS creator_disabled,
           (created_by != NONE AND !record::exists(created_by)) AS creator_gone
         FROM ONLY api_key WHERE hash = $hash LIMIT 1
       );
       IF $key != NONE AND $key.revoked_at = NONE AND ($key.expires_at = NONE OR $key.expires_at > time::now())
         AND ($key.last_used_at = NONE OR $key.last_used_at < time::now() - 1m) {
         UPDATE $key.id SET last_used_at = time::floor(time::now(), 1ms);
       };
       RETURN $key;`,
      { hash: await hashApiKey(secret) },
    );
    const row = results.at(-1) as
      | (Record<string, unknown> & {
          creator_role?: Role;
          creator_disabled?: boolean;
          creator_gone?: boolean;
        })
      | undefined;
    if (!row) return undefined;
    const key = this.rows.toEntity(row);
    if (key.revoked_at !== null) return undefined;
    if (key.expires_at !== null && Date.parse(key.expires_at) <= Date.now()) return undefined;
    if (key.created_by === null) return { key, scopes: effectiveScopes(key.scopes), actingUser: undefined };
    if (row.creator_gone || row.creator_disabled || !row.creator_role) return undefined;
    const creatorMay = ROLE_SCOPES[row.creator_role];
    const scopes = effectiveScopes(key.scopes).filter((scope) => creatorMay.includes(scope));
    return scopes.length > 0 ? { key, scopes, actingUser: key.created_by } : undefined;
  }
}
