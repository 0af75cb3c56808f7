import type { DatabaseConfig } from "@crm/shared/db";
import { AppError } from "@crm/shared/errors";
import { z } from "zod";

/**
 * The Worker's configuration: `[vars]` in wrangler.toml plus secrets. Validated once per env object
 * at the entry; nothing else reads the environment.
 */
export const EnvSchema = z.object({
  SURREAL_URL: z
    .string()
    .url()
    .refine(
      (url) => /^wss?:\/\//.test(url),
      "must be a ws:// or wss:// URL (SurrealDB's RPC endpoint, ending in /rpc)",
    ),
  SURREAL_NS: z.string().min(1).default("crm"),
  SURREAL_DB: z.string().min(1).default("crm"),
  SURREAL_USER: z.string().min(1).optional(),
  SURREAL_PASS: z.string().min(1).optional(),
  SURREAL_AUTH_LEVEL: z.enum(["root", "namespace", "database"]).default("root"),
  SURREAL_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  SURREAL_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
});

/** What the Worker receives from the platform (strings, some optional). */
export type WorkerBindings = z.input<typeof EnvSchema>;

export interface AppConfig {
  database: DatabaseConfig;
}

const cache = new WeakMap<object, AppConfig>();

export function loadConfig(env: unknown): AppConfig {
  const key = typeof env === "object" && env !== null ? env : {};
  const cached = cache.get(key);
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(pickKnown(key));
  if (!parsed.success) {
    const variables = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw new AppError("configuration_error", `the Worker is misconfigured: check ${variables.join(", ")}`, {
      variables,
    });
  }
  const env_ = parsed.data;
  if (Boolean(env_.SURREAL_USER) !== Boolean(env_.SURREAL_PASS)) {
    throw new AppError("configuration_error", "set both SURREAL_USER and SURREAL_PASS, or neither", {
      variables: ["SURREAL_USER", "SURREAL_PASS"],
    });
  }
  const config: AppConfig = {
    database: {
      url: env_.SURREAL_URL,
      namespace: env_.SURREAL_NS,
      database: env_.SURREAL_DB,
      ...(env_.SURREAL_USER && env_.SURREAL_PASS
        ? {
            credentials: {
              username: env_.SURREAL_USER,
              password: env_.SURREAL_PASS,
              level: env_.SURREAL_AUTH_LEVEL,
            },
          }
        : {}),
      connectTimeoutMs: env_.SURREAL_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: env_.SURREAL_QUERY_TIMEOUT_MS,
    },
  };
  cache.set(key, config);
  return config;
}

/** Only the variables we know; other bindings (queues, rate limiters) are not plain values. */
function pickKnown(env: object): Record<string, unknown> {
  const source = env as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(EnvSchema.shape)) {
    if (source[name] !== undefined && source[name] !== "") out[name] = source[name];
  }
  return out;
}
