import { CborCodec, Uuid } from "surrealdb";
import { encodeTextKeyedMap, readTextKeyedMap } from "./cbor-frame.ts";
import type { NativeEngine } from "./native-engine.ts";
import type { SessionDirectory } from "./rpc-connection.ts";

const codec = CborCodec.DEFAULT;

type EngineCall = (method: string, params?: unknown[]) => Promise<unknown>;

/**
 * Runs the server's own work (defining the root user, waking the notification stream) in a private
 * engine session that no client can name. A failed call or statement throws.
 */
async function withPrivateSession<T>(
  engine: NativeEngine,
  work: (call: EngineCall) => Promise<T>,
): Promise<T> {
  const session = codec.encode(new Uuid(crypto.randomUUID()));
  const call: EngineCall = async (method, params) => {
    const entries: Array<[string, Uint8Array]> = [
      ["method", codec.encode(method)],
      ["session", session],
    ];
    if (params) entries.push(["params", codec.encode(params)]);
    const decoded = codec.decode<unknown>(await engine.execute(encodeTextKeyedMap(entries)));
    const failed = Array.isArray(decoded) ? decoded.find((r) => r?.status === "ERR") : undefined;
    if (failed || (decoded && typeof decoded === "object" && "error" in decoded)) {
      throw new Error(`${method} failed: ${JSON.stringify(failed ?? decoded)}`);
    }
    return decoded;
  };
  await call("attach");
  try {
    return await work(call);
  } finally {
    await call("detach").catch(() => undefined);
  }
}

export async function defineRootUser(engine: NativeEngine, user: string, pass: string) {
  // DEFINE USER takes no parameters, so the name is checked against a strict pattern and the
  // password is written as a JSON string literal, which SurrealQL parses with the same escapes.
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(user)) throw new Error("user must be a plain identifier");
  await withPrivateSession(engine, (call) =>
    call("query", [`DEFINE USER OVERWRITE ${user} ON ROOT PASSWORD ${JSON.stringify(pass)} ROLES OWNER`]),
  );
}

const WAKE_NAMESPACE = "local_server_shutdown";

/**
 * Forwards live-query notifications to the connection owning each query's session.
 *
 * Stopping is the subtle part: once an index has been defined, freeing the engine no longer ends a
 * pending `recv()` (an engine quirk), and a native promise that never settles keeps Node running
 * forever. So `stop()` wakes the receiver with a notification of its own (a live query on a scratch
 * table in a private namespace, then a write to it) and the loop ends without calling `recv()` again.
 */
export class NotificationPump {
  readonly #engine: NativeEngine;
  readonly #directory: SessionDirectory;
  readonly #done: Promise<void>;
  #stopping = false;

  constructor(engine: NativeEngine, directory: SessionDirectory) {
    this.#engine = engine;
    this.#directory = directory;
    this.#done = this.#run();
  }

  async #run() {
    const receiver = await this.#engine.notifications();
    for (;;) {
      const value = await receiver.recv().catch(() => null);
      if (value === null || this.#stopping) return;
      const notification = readTextKeyedMap(value);
      const session = notification?.get("session");
      const owner = session ? this.#directory.owner(session) : undefined;
      if (notification && owner) owner.connection.deliver(notification, owner.clientSession);
    }
  }

  /** Ends the loop; resolves once no `recv()` is pending (or after `timeoutMs`). */
  async stop(timeoutMs = 2_000): Promise<void> {
    this.#stopping = true;
    const waited = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await withPrivateSession(this.#engine, async (call) => {
      await call("use", [WAKE_NAMESPACE, "wake"]);
      await call("query", ["DEFINE TABLE IF NOT EXISTS wake SCHEMALESS"]);
      const live = await call("live", ["wake"]);
      await call("query", ["CREATE wake"]);
      await Promise.race([this.#done, waited]);
      await call("kill", [live]).catch(() => undefined);
      await call("query", [`REMOVE NAMESPACE IF EXISTS ${WAKE_NAMESPACE}`]).catch(() => undefined);
    }).catch(() => undefined);
    await Promise.race([this.#done, waited]);
  }
}
