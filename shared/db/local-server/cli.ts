/**
 * `npm run db`: the local SurrealDB server for development and tests.
 *
 *   --bind <host:port>   SURREAL_BIND   default 127.0.0.1:8000
 *   --path <endpoint>    SURREAL_PATH   default surrealkv://<repo>/.data/surreal  (or mem://)
 *   --user <name>        SURREAL_USER   optional root user (needs --pass)
 *   --pass <password>    SURREAL_PASS
 *
 * SURREAL_USER / SURREAL_PASS also come from `.dev.vars` (the Worker's local secrets), so the server
 * and the Worker agree on the credentials without repeating them.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { readDevVars } from "../dev-vars.ts";
import { startLocalSurreal } from "./server.ts";

export const DEFAULT_DATA_PATH = `surrealkv://${resolve(".data/surreal")}`;

const devVars = await readDevVars();

const { values } = parseArgs({
  options: {
    bind: { type: "string", default: process.env.SURREAL_BIND ?? "127.0.0.1:8000" },
    path: { type: "string", default: process.env.SURREAL_PATH ?? DEFAULT_DATA_PATH },
    user: { type: "string", default: process.env.SURREAL_USER ?? devVars.SURREAL_USER },
    pass: { type: "string", default: process.env.SURREAL_PASS ?? devVars.SURREAL_PASS },
  },
});

const match = /^(.+):(\d+)$/.exec(values.bind);
if (!match?.[1] || !match[2]) {
  console.error(`--bind must look like 127.0.0.1:8000, got ${values.bind}`);
  process.exit(2);
}

const server = await startLocalSurreal({
  host: match[1].replace(/^\[|\]$/g, ""),
  port: Number(match[2]),
  path: values.path,
  ...(values.user && values.pass ? { user: values.user, pass: values.pass } : {}),
  log: (message) => console.log(`[surrealdb] ${message}`),
}).catch((error: unknown) => {
  console.error(`[surrealdb] failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`[surrealdb] shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  });
}
