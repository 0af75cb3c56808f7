import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CborCodec } from "surrealdb";
import { type WebSocket, WebSocketServer } from "ws";
import { defineRootUser, NotificationPump } from "./housekeeping.ts";
import { loadNativeEngine, type NativeEngine, TrackedEngine } from "./native-engine.ts";
import { RpcConnection, SessionDirectory } from "./rpc-connection.ts";

export interface LocalSurrealOptions {
  /** Engine endpoint: `surrealkv://<folder>` (persistent) or `mem://` (in memory). */
  path: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** When both are given, a root user with the OWNER role is defined so clients can sign in. */
  user?: string;
  pass?: string;
  /** How long to wait for the engine to open its datastore (a locked folder never opens). */
  openTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface LocalSurreal {
  /** WebSocket RPC endpoint, e.g. `ws://127.0.0.1:8000/rpc`. */
  readonly url: string;
  /** HTTP base URL, e.g. `http://127.0.0.1:8000`. */
  readonly httpUrl: string;
  readonly port: number;
  readonly version: string;
  stats(): ServerStats;
  close(): Promise<void>;
}

export interface ServerStats {
  connections: number;
  requests: Record<string, number>;
}

const MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** How long to keep retrying a datastore folder that is still locked by an engine being freed. */
const LOCK_RETRY_MS = 2_000;
const codec = CborCodec.DEFAULT;

/**
 * A SurrealDB server for development and tests, built on the official embedded engine.
 *
 * It speaks SurrealDB's RPC protocol (CBOR over WebSocket at `/rpc`, subprotocol `cbor`) so the
 * official SDK connects to it exactly as to `surreal start`. Everything a query does happens in the
 * engine: this file only moves frames between sockets and engine sessions.
 */
export async function startLocalSurreal(options: LocalSurrealOptions): Promise<LocalSurreal> {
  const log = options.log ?? (() => undefined);
  const Engine = loadNativeEngine();
  const version = `surrealdb-${await Engine.version()}`;
  const openTimeoutMs = options.openTimeoutMs ?? 15_000;
  const engine = new TrackedEngine(
    await openEngine(
      connectRetryingLock(() => Engine.connect(options.path, {}), Math.min(openTimeoutMs, LOCK_RETRY_MS)),
      options.path,
      openTimeoutMs,
    ),
  );

  if (options.user !== undefined && options.pass !== undefined) {
    await defineRootUser(engine, options.user, options.pass);
  }

  const directory = new SessionDirectory();
  // No prototype, so method names such as "constructor" or "__proto__" are counted like any other.
  const requests: Record<string, number> = Object.create(null);
  const sockets = new Set<WebSocket>();
  const connections = new Set<RpcConnection>();
  const countMethod = (method: string) => {
    requests[method] = (requests[method] ?? 0) + 1;
  };

  const pump = new NotificationPump(engine, directory);

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    handleProtocols: (protocols) => (protocols.has("cbor") ? "cbor" : false),
  });

  wss.on("connection", (socket: WebSocket) => {
    sockets.add(socket);
    const connection = new RpcConnection(engine, directory, countMethod, (frame) => {
      if (socket.readyState === socket.OPEN) socket.send(frame);
    });
    connections.add(connection);
    socket.on("message", (data, isBinary) => {
      const frame = toBytes(data);
      if (!isBinary || !frame) {
        socket.close(1003, "only binary CBOR frames are supported");
        return;
      }
      connection.handle(frame).then(
        (response) => {
          if (socket.readyState === socket.OPEN) socket.send(response);
        },
        (error: unknown) => log(`rpc handling failed: ${String(error)}`),
      );
    });
    socket.on("close", () => {
      sockets.delete(socket);
      connection.close().finally(() => connections.delete(connection));
    });
    socket.on("error", (error) => log(`socket error: ${error.message}`));
  });

  const server = createServer((req, res) => {
    handleHttp(req, res, engine, version, () => ({
      connections: sockets.size,
      requests: { ...requests },
    })).catch((error: unknown) => {
      log(`http handling failed: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  server.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const offered = String(req.headers["sec-websocket-protocol"] ?? "")
      .split(",")
      .map((p) => p.trim());
    if (path !== "/rpc" || !offered.includes("cbor")) {
      const reason = path !== "/rpc" ? "404 Not Found" : "400 Bad Request";
      socket.end(`HTTP/1.1 ${reason}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8000, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const authority = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  log(`SurrealDB (${version}, ${options.path}) listening on ws://${authority}/rpc`);

  let closing: Promise<void> | undefined;
  return {
    url: `ws://${authority}/rpc`,
    httpUrl: `http://${authority}`,
    port,
    version,
    stats: () => ({ connections: sockets.size, requests: { ...requests } }),
    close() {
      closing ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.close(1001, "server shutting down");
        await Promise.race([waitForSockets(sockets), delay(2_000)]);
        for (const socket of sockets) socket.terminate();
        await Promise.all([...connections].map((c) => c.close()));
        wss.close();
        server.closeAllConnections();
        await serverClosed;
        await pump.stop();
        await Promise.race([engine.drain(), delay(5_000)]);
        // Freeing the engine flushes and closes the datastore.
        engine.free();
        log("SurrealDB stopped");
      })();
      return closing;
    },
  };
}

/**
 * `free()` releases a surrealkv folder's lock asynchronously, tens of milliseconds after it returns, so
 * a server restarted on the same path right after `close()` would find it "already locked".
 */
async function connectRetryingLock(connect: () => Promise<NativeEngine>, retryMs: number) {
  const until = Date.now() + retryMs;
  for (;;) {
    try {
      return await connect();
    } catch (error) {
      if (!String(error).includes("already locked") || Date.now() >= until) throw error;
      await delay(25);
    }
  }
}

async function openEngine(opening: Promise<NativeEngine>, path: string, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`could not open ${path} within ${timeoutMs} ms (is another server using it?)`)),
      timeoutMs,
    ).unref();
  });
  try {
    return await Promise.race([opening, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function handleHttp(
  req: IncomingMessage,
  res: ServerResponse,
  engine: NativeEngine,
  version: string,
  stats: () => ServerStats,
) {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  switch (path) {
    case "/health": {
      // A real round trip through the engine, so a wedged datastore reports unhealthy.
      const pong = await engine.execute(codec.encode({ method: "ping" })).then(
        () => true,
        () => false,
      );
      res.writeHead(pong ? 200 : 500).end();
      return;
    }
    case "/version":
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end(version);
      return;
    case "/stats":
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(stats()));
      return;
    default:
      res.writeHead(404).end();
  }
}

function toBytes(data: unknown): Uint8Array | undefined {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  return undefined;
}

async function waitForSockets(sockets: Set<WebSocket>) {
  while (sockets.size > 0) await delay(20);
}

/** A timeout for races; unref'd so a pending one never keeps the process alive after shutdown. */
function delay(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
}
