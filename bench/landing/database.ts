import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { DbClient } from "../../shared/db/client.ts";
import { GATEWAY } from "../../shared/testing/node/gateway.ts";

export const nodeWebSocket = WebSocket as unknown as typeof globalThis.WebSocket;

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/**
 * The same local SurrealDB server as bench/harness.ts `startBenchDatabase` (surrealkv in a temporary
 * folder, random root password, 127.0.0.1 only), but in its own Node process (`npm run db`'s CLI)
 * instead of this one. That server is JavaScript moving WebSocket frames to the engine: in this
 * process it would share the event loop with the load generator, and every page view it writes
 * would delay when the client sees response headers, i.e. the TTFB being measured. In its own
 * process it competes only for the CPU, as a database on the same host would; and its CPU time can be
 * read on its own (`pid`).
 */
export async function startDatabaseProcess(label: string) {
  if (!existsSync(GATEWAY)) throw new Error(`${GATEWAY} is missing: run \`npm run build:workers\` first`);
  const folder = await mkdtemp(join(tmpdir(), `crm-bench-${label}-`));
  const password = randomBytes(12).toString("hex");
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "shared/db/local-server/cli.ts",
      "--bind",
      `127.0.0.1:${port}`,
      "--path",
      `surrealkv://${join(folder, "data")}`,
      "--user",
      "root",
      "--pass",
      password,
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const url = `ws://127.0.0.1:${port}/rpc`;
  const configFor = (database: string) => ({
    url,
    namespace: "bench",
    database,
    credentials: { username: "root", password, level: "root" as const },
    connectTimeoutMs: 10_000,
    queryTimeoutMs: 600_000,
  });
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await rm(folder, { recursive: true, force: true });
  };
  // Ready once a client can sign in.
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await close();
      throw new Error(`the database process exited (${child.exitCode})`);
    }
    try {
      const db = await DbClient.open(configFor("ready"), { websocketImpl: nodeWebSocket });
      await db.close();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await close();
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { pid: child.pid as number, url, configFor, close };
}
