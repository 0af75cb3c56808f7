import { hashPassword } from "../../auth/password.ts";
import { AppError } from "../../errors/index.ts";
import {
  type User,
  type UserCreate,
  type UserListQuery,
  type UserPatch,
  UserSchema,
} from "../../schemas/auth.ts";
import type { DbClient } from "../client.ts";
import { isThrown, THROWN } from "../errors.ts";
import type { SessionRepository } from "./session.repository.ts";
import { type Page, TableRepository, Where } from "./table.repository.ts";
import { returned } from "./transaction.ts";

export interface LoginCandidate {
  user: User;
  passwordHash: string;
}

export class UserRepository {
  readonly rows: TableRepository<typeof UserSchema>;
  readonly #sessions: SessionRepository;

  constructor(db: DbClient, sessions: SessionRepository) {
    this.rows = new TableRepository(db, {
      table: "app_user",
      schema: UserSchema,
      sortFields: ["created_at", "email", "name"],
      dateFields: ["created_at"],
      writable: ["email", "name", "role", "password_hash", "disabled"],
    });
    this.#sessions = sessions;
  }

  require(key: string) {
    return this.rows.require(key);
  }

  list(query: UserListQuery): Promise<Page<User>> {
    const filters = new Where().when(query.role, "role = $role", "role");
    return this.rows.list(query, filters);
  }

  async create(input: UserCreate): Promise<User> {
    const { password, ...fields } = input;
    return this.rows.create({ ...fields, password_hash: await hashPassword(password) });
  }

  /**
   * Updates a user. A new password is hashed; a new password or disabling the user ends all their
   * sessions. The last active admin cannot be demoted or disabled (nobody could manage users after).
   */
  async update(key: string, patch: UserPatch): Promise<User> {
    const id = this.rows.requireId(key);
    const current = await this.rows.require(key);
    const losesAdmin =
      current.role === "admin" && ((patch.role && patch.role !== "admin") || patch.disabled === true);
    const { password, ...fields } = patch;
    const { clause, vars } = this.rows.setClause({
      ...fields,
      ...(password ? { password_hash: await hashPassword(password) } : {}),
    });
    try {
      const results = await this.rows.db.query(
        `BEGIN TRANSACTION;
         ${losesAdmin ? LAST_ADMIN_GUARD : ""}
         LET $updated = (UPDATE ONLY $id SET ${clause} RETURN AFTER);
         RETURN $updated;
         COMMIT TRANSACTION;`,
        { ...vars, id },
      );
      const updated = returned<unknown>(results);
      if (!updated) throw AppError.notFound("user", key);
      if (password || patch.disabled === true) await this.#sessions.revokeAllForUser(key);
      return this.rows.toEntity(updated);
    } catch (error) {
      throw lastAdminError(error);
    }
  }

  async remove(key: string): Promise<boolean> {
    const current = await this.rows.get(key);
    if (!current) return false;
    const guard = current.role === "admin" && !current.disabled ? LAST_ADMIN_GUARD : "";
    try {
      return await this.rows.remove(key, `${guard} DELETE session WHERE user = $id;`);
    } catch (error) {
      throw lastAdminError(error);
    }
  }

  /** Whether any admin user exists (the env bootstrap admin is only for an empty system). */
  async anyAdmin(): Promise<boolean> {
    const [count] = await this.rows.db.query<[number]>(
      "RETURN count(SELECT id FROM app_user WHERE role = 'admin')",
    );
    return count > 0;
  }

  /** The user with this email and their password hash, for signing in. */
  async findForLogin(email: string): Promise<LoginCandidate | undefined> {
    const [row] = await this.rows.db.query<
      [(Record<string, unknown> & { password_hash: string }) | undefined]
    >("SELECT * FROM ONLY app_user WHERE email = $email LIMIT 1", { email });
    return row ? { user: this.rows.toEntity(row), passwordHash: row.password_hash } : undefined;
  }

  /** Records a successful sign-in (and a re-hashed password when the hashing cost went up). */
  async recordLogin(key: string, passwordHash?: string): Promise<void> {
    const id = this.rows.requireId(key);
    await this.rows.db.query(
      passwordHash
        ? "UPDATE $id SET last_login_at = time::floor(time::now(), 1ms), password_hash = $hash"
        : "UPDATE $id SET last_login_at = time::floor(time::now(), 1ms)",
      { id, hash: passwordHash },
    );
  }

  /** The bootstrap admin from CRM_ADMIN_EMAIL/CRM_ADMIN_PASSWORD, created on their first sign-in. */
  async ensureBootstrapAdmin(email: string, passwordHash: string): Promise<LoginCandidate> {
    try {
      await this.rows.create({ email, name: "Administrator", role: "admin", password_hash: passwordHash });
    } catch (error) {
      if (!(error instanceof AppError && error.code === "duplicate")) throw error; // created concurrently
    }
    const candidate = await this.findForLogin(email);
    if (!candidate) throw new Error("the bootstrap admin could not be created");
    return candidate;
  }
}

/**
 * Refuses (THROW) when no other active admin would remain. Every transaction that can take an admin
 * away writes the same lock row first, so two of them racing conflict and one is replayed, seeing
 * the other's effect: the check cannot be beaten by doing it twice at once.
 */
const LAST_ADMIN_GUARD = `
  UPSERT app_lock:admins SET at = time::now();
  IF count(SELECT id FROM app_user WHERE role = 'admin' AND disabled = false AND id != $id) = 0 {
    THROW '${THROWN.lastAdmin}';
  };`;

function lastAdminError(error: unknown): unknown {
  if (isThrown(error, THROWN.lastAdmin)) {
    return new AppError("conflict", "the last active admin cannot be demoted, disabled or deleted", {
      field: "role",
    });
  }
  return error;
}
