import { randomUUID } from "node:crypto";
import { CborCodec, Uuid } from "surrealdb";
import { decodeText, encodeArray, encodeTextKeyedMap, readTextKeyedMap } from "./cbor-frame.ts";
import type { NativeEngine } from "./native-engine.ts";

const codec = CborCodec.DEFAULT;

/** JSON-RPC error codes used by SurrealDB's RPC layer. */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const INVALID_PARAMS = -32602;
const INTERNAL_ERROR = -32000;

/**
 * Which connection owns which engine session. Notifications carry the engine session they belong
 * to; this is how they find their way back to the one client that opened the live query.
 */
export class SessionDirectory {
  readonly #owners = new Map<string, { connection: RpcConnection; clientSession: Uint8Array | undefined }>();

  register(serverSession: Uint8Array, connection: RpcConnection, clientSession: Uint8Array | undefined) {
    this.#owners.set(hex(serverSession), { connection, clientSession });
  }

  unregister(serverSession: Uint8Array) {
    this.#owners.delete(hex(serverSession));
  }

  owner(serverSession: Uint8Array) {
    return this.#owners.get(hex(serverSession));
  }
}

/**
 * One WebSocket client. Each client gets its own default engine session (attached when it connects,
 * detached when it leaves), so its namespace, database, auth and variables are its own. Sessions the
 * client attaches itself (the protocol's `attach` with a session id) are mapped to fresh engine
 * sessions too, so one client can never name, use or detach another client's session.
 */
export class RpcConnection {
  readonly #engine: NativeEngine;
  readonly #directory: SessionDirectory;
  readonly #countMethod: (method: string) => void;
  readonly #push: (frame: Uint8Array) => void;
  readonly #defaultSession = encodeUuid();
  /** client session (hex of its CBOR bytes) → [client session bytes, engine session bytes] */
  readonly #sessions = new Map<string, [Uint8Array, Uint8Array]>();
  readonly #ready: Promise<void>;
  #closing: Promise<void> | undefined;

  constructor(
    engine: NativeEngine,
    directory: SessionDirectory,
    countMethod: (method: string) => void,
    push: (frame: Uint8Array) => void,
  ) {
    this.#engine = engine;
    this.#directory = directory;
    this.#countMethod = countMethod;
    this.#push = push;
    this.#ready = this.#attach(this.#defaultSession, undefined);
  }

  /** Handles one RPC request frame and returns the response frame. */
  async handle(frame: Uint8Array): Promise<Uint8Array> {
    await this.#ready;
    let request: Map<string, Uint8Array> | undefined;
    try {
      request = readTextKeyedMap(frame);
    } catch {
      request = undefined;
    }
    if (!request) return errorFrame(undefined, PARSE_ERROR, "Invalid request: expected a CBOR map");
    const id = request.get("id");
    const methodBytes = request.get("method");
    const method = methodBytes ? safeDecodeText(methodBytes) : undefined;
    if (!method) return errorFrame(id, INVALID_REQUEST, "Invalid request: missing method");
    this.#countMethod(method);

    const clientSession = request.get("session");
    const clientKey = clientSession && !isNull(clientSession) ? hex(clientSession) : undefined;
    try {
      switch (method) {
        case "attach":
          return await this.#attachClientSession(id, clientSession, clientKey);
        case "detach":
          return await this.#detachClientSession(id, clientKey);
        case "sessions":
          return resultFrame(id, encodeArray([...this.#sessions.values()].map(([client]) => client)));
      }
      let engineSession = this.#defaultSession;
      if (clientKey) {
        const mapped = this.#sessions.get(clientKey);
        if (!mapped) return errorFrame(id, INVALID_PARAMS, "Session not found");
        engineSession = mapped[1];
      }
      const forwarded: Array<[string, Uint8Array]> = [];
      for (const [key, value] of request) {
        if (key !== "session") forwarded.push([key, value]);
      }
      forwarded.push(["session", engineSession]);
      const result = await this.#engine.execute(encodeTextKeyedMap(forwarded));
      return responseFrame(id, result);
    } catch (error) {
      return errorFrame(id, INTERNAL_ERROR, error instanceof Error ? error.message : String(error));
    }
  }

  /** Sends an engine notification to this client, with the engine's session id replaced by its own. */
  deliver(notification: Map<string, Uint8Array>, clientSession: Uint8Array | undefined): void {
    const entries: Array<[string, Uint8Array]> = [];
    for (const [key, value] of notification) {
      if (key !== "session") entries.push([key, value]);
    }
    if (clientSession) entries.push(["session", clientSession]);
    this.#push(encodeTextKeyedMap([["result", encodeTextKeyedMap(entries)]]));
  }

  /** Detaches every engine session this client held. Every call returns the same promise. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#ready.catch(() => undefined);
      const sessions = [this.#defaultSession, ...[...this.#sessions.values()].map(([, engine]) => engine)];
      this.#sessions.clear();
      await Promise.all(sessions.map((session) => this.#detach(session)));
    })();
    return this.#closing;
  }

  async #attachClientSession(
    id: Uint8Array | undefined,
    clientSession: Uint8Array | undefined,
    key?: string,
  ) {
    if (!clientSession || !key) return errorFrame(id, INVALID_PARAMS, "attach needs a session id");
    if (this.#sessions.has(key)) return errorFrame(id, INVALID_PARAMS, "Session already exists");
    const engineSession = encodeUuid();
    this.#sessions.set(key, [clientSession, engineSession]);
    await this.#attach(engineSession, clientSession);
    return resultFrame(id, NULL);
  }

  async #detachClientSession(id: Uint8Array | undefined, key: string | undefined) {
    const mapped = key ? this.#sessions.get(key) : undefined;
    if (!key || !mapped) return errorFrame(id, INVALID_PARAMS, "Session not found");
    this.#sessions.delete(key);
    await this.#detach(mapped[1]);
    return resultFrame(id, NULL);
  }

  async #attach(engineSession: Uint8Array, clientSession: Uint8Array | undefined) {
    this.#directory.register(engineSession, this, clientSession);
    const result = await this.#engine.execute(
      encodeTextKeyedMap([
        ["method", codec.encode("attach")],
        ["session", engineSession],
      ]),
    );
    throwIfError(result);
  }

  async #detach(engineSession: Uint8Array) {
    this.#directory.unregister(engineSession);
    await this.#engine
      .execute(
        encodeTextKeyedMap([
          ["method", codec.encode("detach")],
          ["session", engineSession],
        ]),
      )
      .catch(() => undefined);
  }
}

const NULL = Uint8Array.of(0xf6);

function encodeUuid(): Uint8Array {
  return codec.encode(new Uuid(randomUUID()));
}

/** CBOR null, undefined, or SurrealDB's NONE (tag 6 wrapping null): all mean "no session". */
function isNull(value: Uint8Array): boolean {
  if (value.length === 1) return value[0] === 0xf6 || value[0] === 0xf7;
  return value.length === 2 && value[0] === 0xc6 && value[1] === 0xf6;
}

/** The engine answers with the bare result, or with `{ error }` when the call failed. */
function responseFrame(id: Uint8Array | undefined, engineResult: Uint8Array): Uint8Array {
  const asMap = safeReadMap(engineResult);
  const error = asMap?.size === 1 ? asMap.get("error") : undefined;
  if (error) return frame(id, ["error", error]);
  return resultFrame(id, engineResult);
}

function resultFrame(id: Uint8Array | undefined, result: Uint8Array): Uint8Array {
  return frame(id, ["result", result]);
}

function errorFrame(id: Uint8Array | undefined, code: number, message: string): Uint8Array {
  return frame(id, ["error", codec.encode({ code, message })]);
}

function frame(id: Uint8Array | undefined, payload: [string, Uint8Array]): Uint8Array {
  return encodeTextKeyedMap(id ? [["id", id], payload] : [payload]);
}

function throwIfError(engineResult: Uint8Array) {
  const error = safeReadMap(engineResult)?.get("error");
  if (error) {
    const decoded = codec.decode<{ message?: string }>(error);
    throw new Error(decoded?.message ?? "engine error");
  }
}

/** Like `decodeText`, but invalid UTF-8 (which makes it throw) also means "not a text string". */
function safeDecodeText(bytes: Uint8Array) {
  try {
    return decodeText(bytes);
  } catch {
    return undefined;
  }
}

function safeReadMap(bytes: Uint8Array) {
  try {
    return readTextKeyedMap(bytes);
  } catch {
    return undefined;
  }
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}
