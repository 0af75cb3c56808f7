/**
 * `npm run db:migrate`: applies `shared/db/migrations/*.surql` to the configured database.
 * Reads the same variables as the Worker (SURREAL_URL, SURREAL_NS, SURREAL_DB, SURREAL_USER,
 * SURREAL_PASS, SURREAL_AUTH_LEVEL) from the environment, then from `.dev.vars`, then the local defaults.
 */
import WebSocket from "ws";
import { DbClient } from "./client.ts";
import type { DatabaseConfig } from "./config.ts";
import { readDevVars } from "./dev-vars.ts";
import { applyMigrations } from "./migrations.ts";
import { readMigrations } from "./migrations-fs.ts";

export async function migrate(config: DatabaseConfig): Promise<{ applied: string[]; skipped: string[] }> {
  const db = await DbClient.open(config, {
    websocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  try {
    return await applyMigrations(db, await readMigrations());
  } finally {
    await db.close();
  }
}

export function databaseConfigFromEnvironment(env: Record<string, string | undefined>): DatabaseConfig {
  const level = env.SURREAL_AUTH_LEVEL ?? "root";
  if (level !== "root" && level !== "namespace" && level !== "database") {
    throw new Error("SURREAL_AUTH_LEVEL must be root, namespace or database");
  }
  return {
    url: env.SURREAL_URL ?? "ws://127.0.0.1:8000/rpc",
    namespace: env.SURREAL_NS ?? "crm",
    database: env.SURREAL_DB ?? "crm",
    ...(env.SURREAL_USER && env.SURREAL_PASS
      ? { credentials: { username: env.SURREAL_USER, password: env.SURREAL_PASS, level } }
      : {}),
    connectTimeoutMs: 5_000,
    queryTimeoutMs: 60_000,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = databaseConfigFromEnvironment({ ...(await readDevVars()), ...process.env });
  try {
    const report = await migrate(config);
    console.log(
      `[migrate] ${config.url} ${config.namespace}/${config.database}: applied ${report.applied.length} (${report.applied.join(", ") || "none"}), already applied ${report.skipped.length}`,
    );
  } catch (error) {
    console.error(`[migrate] failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
