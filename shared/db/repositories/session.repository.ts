import type { RecordId } from "surrealdb";
import { type User, UserSchema } from "../../schemas/auth.ts";
import type { DbClient } from "../client.ts";
import { keyOf, recordId } from "../record-id.ts";
import { rowMapper } from "../row.ts";

export interface NewSession {
  id: string;
  expiresAt: Date;
}

const toUser = rowMapper(UserSchema);

/**
 * Sessions back the signed session tokens: a token is only honoured while its session row exists,
 * is not revoked or expired, and its user is not disabled. That is what makes logout, disabling a
 * user and password changes take effect immediately, even though tokens are stateless JWTs.
 */
export class SessionRepository {
  readonly #db: DbClient;

  constructor(db: DbClient) {
    this.#db = db;
  }

  async create(
    userKey: string,
    expiresAt: Date,
    meta: { ip?: string; userAgent?: string },
  ): Promise<NewSession> {
    const user = recordId("app_user", userKey);
    if (!user) throw new TypeError("bad user key");
    const [row] = await this.#db.query<[{ id: RecordId }]>("CREATE ONLY session CONTENT $data RETURN id", {
      data: {
        user,
        expires_at: expiresAt,
        ...(meta.ip ? { ip: meta.ip.slice(0, 100) } : {}),
        ...(meta.userAgent ? { user_agent: meta.userAgent.slice(0, 300) } : {}),
      },
    });
    return { id: keyOf(row.id), expiresAt };
  }

  /** The signed-in user, if the session is still valid for that user. */
  async resolve(sessionKey: string, userKey: string): Promise<User | undefined> {
    const id = recordId("session", sessionKey);
    if (!id) return undefined;
    const [row] = await this.#db.query<
      [
        | {
            user: RecordId;
            expires_at: { toDate(): Date };
            revoked_at?: unknown;
            account?: Record<string, unknown>;
          }
        | undefined,
      ]
    >("SELECT user, expires_at, revoked_at, user.* AS account FROM ONLY $id", { id });
    if (!row?.account || row.revoked_at !== undefined) return undefined;
    if (keyOf(row.user) !== userKey || row.expires_at.toDate().getTime() <= Date.now()) return undefined;
    const user = toUser(row.account);
    return user.disabled ? undefined : user;
  }

  async revoke(sessionKey: string): Promise<void> {
    const id = recordId("session", sessionKey);
    if (!id) return;
    await this.#db.query("UPDATE $id SET revoked_at = time::now() WHERE revoked_at = NONE", { id });
  }

  async revokeAllForUser(userKey: string): Promise<void> {
    await this.#db.query(
      "UPDATE session SET revoked_at = time::now() WHERE user = $user AND revoked_at = NONE",
      {
        user: recordId("app_user", userKey),
      },
    );
  }
}
