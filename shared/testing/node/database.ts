import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import WebSocket from "ws";
import { DbClient } from "../../db/client.ts";
import type { DatabaseConfig } from "../../db/config.ts";
import { applyMigrations } from "../../db/migrations.ts";
import { readMigrations } from "../../db/migrations-fs.ts";
import "../provided.ts";

export const nodeWebSocket = WebSocket as unknown as typeof globalThis.WebSocket;

/** Connection settings for a brand-new database on the test server. */
export function freshDatabaseConfig(label: string): DatabaseConfig {
  const surreal = inject("surreal");
  return {
    url: surreal.url,
    namespace: "test",
    database: `${label}_${randomBytes(6).toString("hex")}`,
    credentials: { username: surreal.username, password: surreal.password, level: "root" },
    connectTimeoutMs: 5_000,
    queryTimeoutMs: 15_000,
  };
}

/** A fresh, migrated database for one test file, over the same WebSocket protocol the Workers use. */
export async function freshDatabase(label: string, options: { migrate?: boolean } = {}) {
  const config = freshDatabaseConfig(label);
  const db = await DbClient.open(config, { websocketImpl: nodeWebSocket });
  if (options.migrate !== false) await applyMigrations(db, await readMigrations());
  return { db, config };
}
