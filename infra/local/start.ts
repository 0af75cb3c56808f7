/**
 * `npm start`: the whole stack on this machine.
 *
 * 1. Makes sure `.dev.vars` (untracked; wrangler's local secrets) exists, creating a random SurrealDB
 *    root password the first time.
 * 2. Starts the local SurrealDB server (`npm run db`, persisting to `.data/surreal`) unless one
 *    already answers on the configured address.
 * 3. Applies the migrations.
 * 4. Serves the gateway Worker in workerd with `wrangler dev` on http://127.0.0.1:8787.
 *
 * Ctrl-C stops what it started, in reverse order.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFile, readFile } from "node:fs/promises";
import { readDevVars } from "../../shared/db/dev-vars.ts";
import { databaseConfigFromEnvironment, migrate } from "../../shared/db/migrate.ts";

const DEV_VARS = ".dev.vars";
const API_PORT = process.env.PORT ?? "8787";

/**
 * Local secrets, generated once into the untracked `.dev.vars` (which `wrangler dev` reads): nothing
 * ships with a fixed default credential. Values already there are left alone.
 */
async function ensureDevVars(): Promise<Record<string, string>> {
  const vars = await readDevVars(DEV_VARS);
  const missing: string[] = [];
  if (!vars.SURREAL_USER) missing.push("SURREAL_USER=root");
  if (!vars.SURREAL_PASS) missing.push(`SURREAL_PASS=${randomBytes(18).toString("base64url")}`);
  if (!vars.CRM_SESSION_SECRET) missing.push(`CRM_SESSION_SECRET=${randomBytes(32).toString("base64url")}`);
  if (!vars.CRM_TRACKING_SECRET) missing.push(`CRM_TRACKING_SECRET=${randomBytes(32).toString("base64url")}`);
  if (!vars.CRM_ADMIN_TOKEN) missing.push(`CRM_ADMIN_TOKEN=${randomBytes(32).toString("base64url")}`);
  if (!vars.CRM_ENV) missing.push("CRM_ENV=development");
  if (!vars.CRM_ALLOWED_ORIGINS)
    missing.push("CRM_ALLOWED_ORIGINS=http://localhost:5173,http://127.0.0.1:5173");
  if (missing.length > 0) {
    const existing = await readFile(DEV_VARS, "utf8").catch(() => "");
    const header = existing
      ? ""
      : "# Local secrets for `wrangler dev` and the local SurrealDB server. Never commit.\n";
    await appendFile(
      DEV_VARS,
      `${header}${existing && !existing.endsWith("\n") ? "\n" : ""}${missing.join("\n")}\n`,
    );
    console.log(`[start] wrote ${missing.map((line) => line.split("=")[0]).join(", ")} to ${DEV_VARS}`);
  }
  return readDevVars(DEV_VARS);
}

/** The Worker's SURREAL_URL from wrangler.toml's [vars] (what `wrangler dev` will use). */
async function workerSurrealUrl(): Promise<string> {
  const toml = await readFile("wrangler.toml", "utf8");
  return /^SURREAL_URL\s*=\s*"([^"]+)"/m.exec(toml)?.[1] ?? "ws://127.0.0.1:8000/rpc";
}

async function healthy(httpUrl: string): Promise<boolean> {
  try {
    return (await fetch(`${httpUrl}/health`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

async function waitFor(check: () => Promise<boolean>, what: string, child: ChildProcess, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s`);
}

const children: ChildProcess[] = [];

function run(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  children.push(child);
  return child;
}

/**
 * The cron triggers of wrangler.toml, fired locally as Cloudflare would: every minute (start due
 * campaigns, sweep open runs) and every 15 minutes (engagement decay), on the minute.
 */
function fireCronTriggers() {
  const fire = (cron: string) =>
    fetch(`http://127.0.0.1:${API_PORT}/__scheduled?cron=${encodeURIComponent(cron)}`).catch((error) =>
      console.error(`[start] cron ${cron}: ${error instanceof Error ? error.message : String(error)}`),
    );
  const tick = () => {
    const now = new Date();
    void fire("* * * * *");
    if (now.getUTCMinutes() % 15 === 0) void fire("*/15 * * * *");
    setTimeout(tick, 60_000 - (Date.now() % 60_000));
  };
  setTimeout(tick, 60_000 - (Date.now() % 60_000));
  console.log("[start] cron triggers fire every minute (scheduled campaigns start on their own)");
}

let stopping = false;
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  for (const child of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill("SIGTERM");
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve();
      }, 5_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stopAll(0));

try {
  const vars = await ensureDevVars();
  const surrealUrl = await workerSurrealUrl();
  const url = new URL(surrealUrl);
  const httpUrl = `http://${url.host}`;
  const env = { ...vars, ...process.env, SURREAL_URL: surrealUrl };

  if (await healthy(httpUrl)) {
    console.log(`[start] using the SurrealDB server already running at ${surrealUrl}`);
  } else {
    if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
      throw new Error(
        `SURREAL_URL ${surrealUrl} is not reachable and is not local, so it cannot be started here`,
      );
    }
    const db = run("node_modules/.bin/tsx", ["shared/db/local-server/cli.ts", "--bind", url.host], {
      SURREAL_USER: vars.SURREAL_USER,
      SURREAL_PASS: vars.SURREAL_PASS,
    });
    await waitFor(() => healthy(httpUrl), "the local SurrealDB server", db);
  }

  const report = await migrate(databaseConfigFromEnvironment(env));
  console.log(
    `[start] migrations: ${report.applied.length} applied, ${report.skipped.length} already applied`,
  );

  const api = run(
    "node_modules/.bin/wrangler",
    [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      API_PORT,
      "--show-interactive-dev-session=false",
      // wrangler dev does not fire cron triggers by itself; this exposes them, and the timer below fires them.
      "--test-scheduled",
    ],
    { WRANGLER_SEND_METRICS: "false" },
  );
  api.once("exit", (code) => void stopAll(code ?? 1));
  await waitFor(
    async () => {
      try {
        return (
          (await fetch(`http://127.0.0.1:${API_PORT}/health`, { signal: AbortSignal.timeout(2_000) }))
            .status < 500
        );
      } catch {
        return false;
      }
    },
    "wrangler dev",
    api,
    120_000,
  );
  console.log(
    `[start] API ready on http://127.0.0.1:${API_PORT} (docs: http://127.0.0.1:${API_PORT}/swagger-ui)`,
  );
  console.log(`[start] admin bearer token: CRM_ADMIN_TOKEN in ${DEV_VARS}`);
  fireCronTriggers();
} catch (error) {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
}
