import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalSurreal } from "../shared/db/local-server/server.ts";
import { GATEWAY } from "../shared/testing/node/gateway.ts";

export { type ServedGateway as BenchGateway, startGateway } from "../shared/testing/node/gateway.ts";

/** What the benchmarks share: a throwaway SurrealDB server and the built gateway in workerd. */

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

/** The workerd processes Miniflare started (children of this process). */
export function workerdPids(): number[] {
  try {
    return execFileSync("pgrep", ["-P", String(process.pid), "workerd"], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
