import { isRetryableConflict, Surreal, type SurrealQueryable } from "surrealdb";
import { DatabaseUnavailableError } from "../errors/index.ts";
import type { DatabaseConfig } from "./config.ts";
import { translateDatabaseError } from "./errors.ts";

/**
 * Access tokens by server and user. A Worker cannot keep a socket between requests, but it can keep
 * a string: signing in with a password costs an Argon2 hash on the server (tens of ms), so each
 * request authenticates with the cached token and signs in only when there is none or it expired.
 */
const tokenCache = new Map<string, { token: string; expiresAt: number }>();
const TOKEN_EXPIRY_MARGIN_MS = 60_000;

export interface OpenOptions {
  /** Node has no global WebSocket; pass `ws` there. Workers use the platform's. */
  websocketImpl?: typeof WebSocket;
}

/** One connection, for one request (or one test, or one script run). Close it when done. */
export class DbClient implements Queryable {
  readonly #db: Surreal;
  readonly #config: DatabaseConfig;
  readonly #disconnected: Promise<never>;
  #closed = false;

  private constructor(db: Surreal, config: DatabaseConfig) {
    this.#db = db;
    this.#config = config;
    // Once the socket drops, pending calls would never settle (reconnect is off), so every call races this.
    this.#disconnected = new Promise<never>((_, reject) => {
      db.subscribe("disconnected", () => {
        if (!this.#closed) reject(new DatabaseUnavailableError("the database connection was lost"));
      });
    });
    this.#disconnected.catch(() => undefined);
  }

  static async open(config: DatabaseConfig, options: OpenOptions = {}): Promise<DbClient> {
    const db = new Surreal(options.websocketImpl ? { websocketImpl: options.websocketImpl } : undefined);
    const connecting = db.connect(config.url, {
      namespace: config.namespace,
      database: config.database,
      versionCheck: false,
      reconnect: false,
    });
    connecting.catch(() => undefined); // settled (or abandoned) below; never an unhandled rejection
    // The SDK reports a refused or dropped socket as an event, not as a rejection of connect().
    const unsubscribe: Array<() => void> = [];
    const failed = new Promise<never>((_, reject) => {
      const fail = () => reject(new DatabaseUnavailableError("could not connect to the database"));
      unsubscribe.push(db.subscribe("error", fail), db.subscribe("disconnected", fail));
    });
    failed.catch(() => undefined);
    try {
      await withTimeout(
        Promise.race([connecting, failed]),
        config.connectTimeoutMs,
        "could not connect to the database",
      );
      for (const stop of unsubscribe) stop();
      const client = new DbClient(db, config);
      await client.#authenticate();
      return client;
    } catch (error) {
      void db.close().catch(() => undefined);
      if (error instanceof DatabaseUnavailableError) throw error;
      const translated = translateDatabaseError(error);
      if (translated instanceof DatabaseUnavailableError) throw translated;
      throw new DatabaseUnavailableError("could not open a database session", error);
    }
  }

  /**
   * Runs SurrealQL with bound variables and returns each statement's result. Identifiers in `sql`
   * must come from allow-lists; every value goes in `vars`.
   *
   * Every query must be ONE statement or ONE `BEGIN ... COMMIT` block: SurrealDB's transactions are
   * optimistic, and a transaction that lost a write conflict wrote nothing, so it is replayed here
   * (a few times, with jittered backoff) instead of failing the request.
   */
  query<T extends unknown[] = unknown[]>(sql: string, vars?: Record<string, unknown>): Promise<T> {
    return retryingConflicts(() => this.#run<T>(this.#db, sql, vars));
  }

  /**
   * Runs `work` in one interactive transaction, for reads and writes that must commit together with
   * logic in between (e.g. write a timeline entry, read the timeline, store the computed score).
   * A write conflict cancels and replays the whole of `work`, so it must have no other side effects;
   * anything it throws cancels the transaction.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return retryingConflicts(async () => {
      const txn = await this.#guard(this.#db.beginTransaction(), "could not start a transaction");
      const tx: Queryable = { query: (sql, vars) => this.#run(txn, sql, vars) };
      try {
        const result = await work(tx);
        await this.#guard(txn.commit(), "the database did not commit in time");
        return result;
      } catch (error) {
        await txn.cancel().catch(() => undefined);
        throw translateDatabaseError(error);
      }
    });
  }

  async #run<T extends unknown[]>(
    target: SurrealQueryable,
    sql: string,
    vars?: Record<string, unknown>,
  ): Promise<T> {
    try {
      const responses = await this.#guard(
        target.query(sql, vars).responses(),
        "the database did not answer in time",
      );
      const failures = responses.filter((response) => !response.success);
      if (failures.length > 0) {
        // In a failed transaction every statement reports "not executed"; the cause is the one that isn't.
        const cause = failures.find((failure) => !isNotExecuted(failure.error)) ?? failures[0];
        throw cause?.error;
      }
      return responses.map((response) => (response.success ? response.result : undefined)) as T;
    } catch (error) {
      throw translateDatabaseError(error);
    }
  }

  /** Bounds a call by the query timeout and by the connection staying up. */
  #guard<T>(call: Promise<T>, message: string): Promise<T> {
    if (this.#closed)
      return Promise.reject(new DatabaseUnavailableError("the database connection is closed"));
    return Promise.race([withTimeout(call, this.#config.queryTimeoutMs, message), this.#disconnected]);
  }

  /** The server's version string, e.g. `surrealdb-3.0.2`. */
  async version(): Promise<string> {
    const info = await withTimeout(
      this.#db.version(),
      this.#config.queryTimeoutMs,
      "the database did not answer",
    );
    return info.version;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await withTimeout(this.#db.close(), 2_000, "close timed out").catch(() => undefined);
  }

  async #authenticate() {
    const credentials = this.#config.credentials;
    if (!credentials) return;
    const key = [
      this.#config.url,
      credentials.level,
      this.#config.namespace,
      this.#config.database,
      credentials.username,
    ].join("|");
    const cached = tokenCache.get(key);
    if (cached && cached.expiresAt - TOKEN_EXPIRY_MARGIN_MS > Date.now()) {
      try {
        await withTimeout(
          this.#db.authenticate(cached.token),
          this.#config.connectTimeoutMs,
          "authentication timed out",
        );
        return;
      } catch (error) {
        if (error instanceof DatabaseUnavailableError) throw error;
        tokenCache.delete(key); // revoked or the server restarted with new keys: sign in again
      }
    }
    const auth =
      credentials.level === "root"
        ? { username: credentials.username, password: credentials.password }
        : credentials.level === "namespace"
          ? {
              namespace: this.#config.namespace,
              username: credentials.username,
              password: credentials.password,
            }
          : {
              namespace: this.#config.namespace,
              database: this.#config.database,
              username: credentials.username,
              password: credentials.password,
            };
    const tokens = await withTimeout(
      this.#db.signin(auth),
      this.#config.connectTimeoutMs,
      "sign-in timed out",
    );
    tokenCache.set(key, { token: tokens.access, expiresAt: tokenExpiry(tokens.access) });
  }
}

/** Something that runs SurrealQL: the connection itself, or a transaction on it. */
export interface Queryable {
  query<T extends unknown[] = unknown[]>(sql: string, vars?: Record<string, unknown>): Promise<T>;
}

async function retryingConflicts<T>(attemptOnce: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptOnce();
    } catch (error) {
      if (attempt >= CONFLICT_ATTEMPTS || !isWriteConflict(error)) throw error;
      // Full jitter: contenders spread out instead of colliding again on the same beat.
      await sleep(Math.random() * Math.min(CONFLICT_BACKOFF_CAP_MS, CONFLICT_BACKOFF_MS * 2 ** attempt));
    }
  }
}

/** With N writers on one record, about N rounds are needed; this covers a busy contact comfortably. */
const CONFLICT_ATTEMPTS = 16;
const CONFLICT_BACKOFF_MS = 5;
const CONFLICT_BACKOFF_CAP_MS = 250;

/** SurrealDB 3.1+ tags conflicts structurally; 3.0 only says so in the message. */
export function isWriteConflict(error: unknown): boolean {
  if (isRetryableConflict(error)) return true;
  return error instanceof Error && /transaction conflict|can be retried/i.test(error.message);
}

function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

function isNotExecuted(error: unknown): boolean {
  return (error as { details?: { kind?: string } } | undefined)?.details?.kind === "NotExecuted";
}

/** Reads `exp` from a JWT without verifying it (the server verifies); unknown expiry means 10 minutes. */
function tokenExpiry(token: string): number {
  try {
    const payload = token.split(".")[1] ?? "";
    const json = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: unknown };
    if (typeof json.exp === "number") return json.exp * 1000;
  } catch {
    // fall through
  }
  return Date.now() + 10 * 60_000;
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseUnavailableError(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
