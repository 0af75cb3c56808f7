import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { Log, LogLevel, Miniflare, type MiniflareOptions } from "miniflare";
import type { DatabaseConfig } from "../../db/config.ts";

/** The built gateway Worker (`npm run build:workers`), as benchmarks and browser tests serve it. */
export const GATEWAY = "dist/gateway/index.js";

export interface ServedGateway {
  base: URL;
  /** The admin bearer token the Worker was given. */
  token: string;
  miniflare: Miniflare;
}

/**
 * Serves the built gateway in workerd through Miniflare on 127.0.0.1 against a database: development
 * mode, fresh secrets, generous API limits, no `request.cf` lookup (it would go to the internet).
 */
export async function startGateway(
  database: DatabaseConfig,
  options: { bindings?: Record<string, string>; extra?: Partial<MiniflareOptions> } = {},
): Promise<ServedGateway> {
  if (!existsSync(GATEWAY)) throw new Error(`${GATEWAY} is missing: run \`npm run build:workers\` first`);
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
      ...(database.credentials
        ? { SURREAL_USER: database.credentials.username, SURREAL_PASS: database.credentials.password }
        : {}),
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
