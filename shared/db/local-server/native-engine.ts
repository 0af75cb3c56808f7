import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The official embedded SurrealDB engine, as shipped by `@surrealdb/node`.
 *
 * The package's JavaScript wrapper hides the native object behind the SDK's engine interface, which
 * is bound to one client. A server needs the engine itself (one datastore, many sessions), so this
 * loads the same native addon the wrapper loads, from the same package, and types the small part of
 * its surface we use: `execute` takes one CBOR-encoded RPC request and returns the CBOR-encoded bare
 * result (or an `{ error }` map); `notifications` yields live-query notifications for all sessions.
 */
export interface NativeEngine {
  execute(request: Uint8Array): Promise<Uint8Array>;
  notifications(): Promise<NotificationReceiver>;
  free(): void;
}

export interface NotificationReceiver {
  /** Resolves with the next notification, or null once the engine is freed. */
  recv(): Promise<Uint8Array | null>;
}

interface NativeEngineClass {
  connect(endpoint: string, options?: Record<string, unknown>): Promise<NativeEngine>;
  version(): string | Promise<string>;
}

let loaded: NativeEngineClass | undefined;

export function loadNativeEngine(): NativeEngineClass {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const binding = require(join(findPackageDist(), nativeFileName())) as {
    SurrealNodeEngine: NativeEngineClass;
  };
  loaded = binding.SurrealNodeEngine;
  return loaded;
}

function findPackageDist(): string {
  // The package's `exports` only expose its ESM entry, so its folder is found on disk, walking up
  // from here exactly as Node's resolver walks `node_modules` folders.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "node_modules", "@surrealdb", "node", "dist");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("@surrealdb/node is not installed: run `npm ci`");
    dir = parent;
  }
}

function nativeFileName(): string {
  const { platform, arch } = process;
  if (platform === "linux") return `surrealdb-node.linux-${arch}-${isMusl() ? "musl" : "gnu"}.node`;
  if (platform === "darwin") return `surrealdb-node.darwin-${arch}.node`;
  if (platform === "win32") return `surrealdb-node.win32-${arch}-msvc.node`;
  throw new Error(`the embedded SurrealDB engine has no build for ${platform}-${arch}`);
}

function isMusl(): boolean {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return !report?.header?.glibcVersionRuntime;
}

/**
 * Counts calls in flight so shutdown frees the engine only after they have settled, instead of
 * pulling the datastore out from under a request that is still being answered.
 */
export class TrackedEngine implements NativeEngine {
  readonly #engine: NativeEngine;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(engine: NativeEngine) {
    this.#engine = engine;
  }

  execute(request: Uint8Array): Promise<Uint8Array> {
    const call = this.#engine.execute(request);
    this.#pending.add(call);
    const forget = () => this.#pending.delete(call);
    call.then(forget, forget);
    return call;
  }

  notifications(): Promise<NotificationReceiver> {
    return this.#engine.notifications();
  }

  /** Waits for every call in flight (including ones started while waiting). */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) {
      await Promise.allSettled([...this.#pending]);
    }
  }

  free(): void {
    this.#engine.free();
  }
}
