import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Log, LogLevel, Miniflare, type MiniflareOptions } from "miniflare";
import type { DatabaseConfig } from "../shared/db/config.ts";
import { startLocalSurreal } from "../shared/db/local-server/server.ts";

/** What the benchmarks share: a throwaway SurrealDB server and the built gateway in workerd. */

/** The built gateway Worker (`npm run build:workers`), as the benchmarks serve it. */
export const GATEWAY = "dist/gateway/index.js";

export interface BenchGateway {
  base: URL;
  /** The admin bearer token the Worker was given. */
  token: string;
  miniflare: Miniflare;
}

/**
 * Serves the built gateway in workerd through Miniflare against a benchmark database: development
 * mode, fresh secrets, generous API limits, no `request.cf` lookup (it would go to the internet).
 */
export async function startGateway(
  database: DatabaseConfig & { credentials: { username: string; password: string } },
  options: { bindings?: Record<string, string>; extra?: Partial<MiniflareOptions> } = {},
): Promise<BenchGateway> {
  const token = randomBytes(24).toString("base64url");
  const miniflare = new Miniflare({
    modules: true,
    scriptPath: GATEWAY,
    compatibilityDate: "2026-04-20",
    log: new Log(process.env.BENCH_LOG === "debug" ? LogLevel.DEBUG : LogLevel.WARN),
    cf: false,
    bindings: {
      SURREAL_URL: database.url,
      SURREAL_NS: database.namespace,
      SURREAL_DB: database.database,
      SURREAL_USER: database.credentials.username,
      SURREAL_PASS: database.credentials.password,
      SURREAL_QUERY_TIMEOUT_MS: "120000",
      CRM_ENV: "development",
      CRM_SESSION_SECRET: randomBytes(32).toString("base64url"),
      CRM_TRACKING_SECRET: randomBytes(32).toString("base64url"),
      CRM_ADMIN_TOKEN: token,
      CRM_ALLOWED_ORIGINS: "",
      ...options.bindings,
    },
    ratelimits: {
      LOGIN_IP_LIMITER: { simple: { limit: 20, period: 60 } },
      LOGIN_ACCOUNT_LIMITER: { simple: { limit: 5, period: 60 } },
      API_RATE_LIMITER: { simple: { limit: 1_000_000, period: 60 } },
    },
    ...(options.extra as object),
  } as MiniflareOptions);
  return { base: await miniflare.ready, token, miniflare };
}

/**
 * A local SurrealDB server for one benchmark: surrealkv in a temporary folder, a random root
 * password, 127.0.0.1 only; `close()` stops it and deletes the data.
 */
export async function startBenchDatabase(label: string) {
  if (!existsSync(GATEWAY)) throw new Error(`${GATEWAY} is missing: run \`npm run build:workers\` first`);
  const folder = await mkdtemp(join(tmpdir(), `crm-bench-${label}-`));
  const password = randomBytes(12).toString("hex");
  const server = await startLocalSurreal({
    path: `surrealkv://${join(folder, "data")}`,
    host: "127.0.0.1",
    port: 0,
    user: "root",
    pass: password,
  });
  return {
    server,
    password,
    /** Connection settings for a database on it, signed in as root. */
    configFor: (database: string) => ({
      url: server.url,
      namespace: "bench",
      database,
      credentials: { username: "root", password, level: "root" as const },
      connectTimeoutMs: 10_000,
      queryTimeoutMs: 600_000,
    }),
    close: async () => {
      await server.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
