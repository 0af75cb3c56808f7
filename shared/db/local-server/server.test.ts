import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CborCodec, type LiveMessage, RecordId, ServerError, Surreal, Table, Uuid } from "surrealdb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { type RawData } from "ws";
import { type LocalSurreal, type LocalSurrealOptions, startLocalSurreal } from "./server.ts";

const codec = CborCodec.DEFAULT;
const nodeWebSocket = WebSocket as unknown as typeof globalThis.WebSocket;
const REPO_ROOT = new URL("../../../", import.meta.url).pathname;

interface RpcResponse {
  id?: string;
  result?: unknown;
  error?: { code: number; message: string };
}

// ---------------------------------------------------------------------------------------------------
// Resources opened by a test are closed after it, whatever happens.

const clients: Surreal[] = [];
const rawClients: RawClient[] = [];
const servers: LocalSurreal[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((db) => db.close().catch(() => undefined)));
  for (const raw of rawClients.splice(0)) raw.socket.terminate();
  await Promise.all(servers.splice(0).map((server) => server.close()));
  // surrealkv can still be finishing a file in the folder just after close: retry instead of failing
  // the test on cleanup (ENOTEMPTY seen once under full-suite load).
  await Promise.all(
    tempDirs
      .splice(0)
      .map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })),
  );
});

/** One in-memory server for the tests that only need isolation by database name. */
let shared: LocalSurreal;
beforeAll(async () => {
  shared = await startLocalSurreal({ path: "mem://", port: 0 });
});
afterAll(async () => {
  await shared.close();
});

async function startServer(options: Partial<LocalSurrealOptions> = {}): Promise<LocalSurreal> {
  const server = await startLocalSurreal({ path: "mem://", port: 0, ...options });
  servers.push(server);
  return server;
}

async function connect(url: string, database: string, namespace = "test"): Promise<Surreal> {
  const db = new Surreal({ websocketImpl: nodeWebSocket });
  clients.push(db);
  await db.connect(url, { namespace, database, reconnect: false });
  return db;
}

function uniqueName(label: string): string {
  return `${label}_${randomBytes(4).toString("hex")}`;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "local-surreal-test-"));
  tempDirs.push(dir);
  return dir;
}

function delay(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 2_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => resolve());
  });
  const address = probe.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Resolves true when something can listen on the port again. */
async function canListen(port: number): Promise<boolean> {
  const probe = createServer();
  const listening = await new Promise<boolean>((resolve) => {
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => resolve(true));
  });
  if (listening) await new Promise<void>((resolve) => probe.close(() => resolve()));
  return listening;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** A bare protocol client: sends hand-made frames and collects every decoded response. */
class RawClient {
  readonly responses: RpcResponse[] = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => this.responses.push(codec.decode<RpcResponse>(toBuffer(data))));
    socket.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  static async open(url: string): Promise<RawClient> {
    const socket = new WebSocket(url, "cbor");
    const client = new RawClient(socket);
    rawClients.push(client);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return client;
  }

  send(frame: Uint8Array | string) {
    this.socket.send(frame);
  }

  async call(request: { id: string } & Record<string, unknown>): Promise<RpcResponse> {
    this.send(codec.encode(request));
    return this.next((response) => response.id === request.id, `response ${request.id}`);
  }

  async next(match: (response: RpcResponse) => boolean, what: string): Promise<RpcResponse> {
    let found: RpcResponse | undefined;
    await waitUntil(() => {
      found = this.responses.find(match);
      return found !== undefined;
    }, what);
    if (!found) throw new Error(`no ${what}`);
    return found;
  }
}

/** What happens when a WebSocket upgrade is attempted: "open", or the error the client saw. */
function upgradeOutcome(url: string, protocols?: string[]): Promise<string> {
  return new Promise((resolve) => {
    const socket = protocols ? new WebSocket(url, protocols) : new WebSocket(url);
    socket.once("open", () => {
      socket.terminate();
      resolve("open");
    });
    socket.once("error", (error) => resolve(error.message));
  });
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

const ids = (rows: ReadonlyArray<{ id: RecordId }>) => rows.map((row) => row.id.toString()).sort();

// ---------------------------------------------------------------------------------------------------

describe("connection isolation", () => {
  it("keeps databases apart and shares records within one database", async () => {
    const dbOne = uniqueName("iso_one");
    const dbTwo = uniqueName("iso_two");
    const a = await connect(shared.url, dbOne);
    const b = await connect(shared.url, dbTwo);
    const aPeer = await connect(shared.url, dbOne);

    await a.create(new RecordId("person", "alice")).content({ name: "Alice" });

    // A different database in the same namespace sees neither the record nor the table.
    await expect(b.select(new Table("person"))).rejects.toThrow(/table 'person' does not exist/);
    const [info] = await b.query<[{ tables: Record<string, unknown> }]>("INFO FOR DB");
    expect(Object.keys(info.tables)).not.toContain("person");
    const [infoA] = await a.query<[{ tables: Record<string, unknown> }]>("INFO FOR DB");
    expect(Object.keys(infoA.tables)).toContain("person");

    // A second connection on the same database sees it, and the first sees the second's writes.
    const alice = await aPeer.select<{ name: string }>(new RecordId("person", "alice"));
    expect(alice?.name).toBe("Alice");
    await aPeer.create(new RecordId("person", "bob")).content({ name: "Bob" });
    expect(ids(await a.select(new Table("person")))).toEqual(["person:alice", "person:bob"]);
    await b.query("DEFINE TABLE person");
    expect(await b.select(new Table("person"))).toEqual([]);
  });

  it("keeps per-connection variables and namespace/database selection private", async () => {
    const database = uniqueName("iso_state");
    const a = await connect(shared.url, database);
    const b = await connect(shared.url, database);

    await a.set("secret", 42);
    expect(await a.query("RETURN $secret")).toEqual([42]);
    expect(await b.query("RETURN $secret")).toEqual([undefined]);

    await a.use({ namespace: "elsewhere", database: "other" });
    expect(await a.query("RETURN [session::ns(), session::db()]")).toEqual([["elsewhere", "other"]]);
    expect(await b.query("RETURN [session::ns(), session::db()]")).toEqual([["test", database]]);

    await b.set("secret", "b's own");
    expect(await a.query("RETURN $secret")).toEqual([42]);
  });
});

describe("sessions", () => {
  it("gives each new session its own namespace and database", async () => {
    const main = uniqueName("sess_main");
    const side = uniqueName("sess_side");
    const a = await connect(shared.url, main);

    const session = await a.newSession();
    expect(await session.query("RETURN [session::ns(), session::db()]")).toEqual([[undefined, undefined]]);
    await session.use({ namespace: "test", database: side });
    await session.create(new RecordId("note", 1)).content({ text: "from the session" });

    expect(await session.query("RETURN session::db()")).toEqual([side]);
    expect(await a.query("RETURN session::db()")).toEqual([main]);
    await expect(a.select(new Table("note"))).rejects.toThrow(/does not exist/);
    expect(ids(await session.select(new Table("note")))).toEqual(["note:1"]);
  });

  it("lists only the calling connection's sessions", async () => {
    const database = uniqueName("sess_list");
    const a = await connect(shared.url, database);
    const b = await connect(shared.url, database);

    const a1 = await a.newSession();
    const a2 = await a.newSession();
    const b1 = await b.newSession();

    const listedA = (await a.sessions()).map(String).sort();
    expect(listedA).toEqual([String(a1.session), String(a2.session)].sort());
    expect((await b.sessions()).map(String)).toEqual([String(b1.session)]);

    await a2.closeSession();
    expect((await a.sessions()).map(String)).toEqual([String(a1.session)]);
  });

  it("refuses another connection's session id", async () => {
    const database = uniqueName("sess_steal");
    const owner = await connect(shared.url, database);
    const session = await owner.newSession();
    await session.use({ namespace: "test", database });
    const stolen = session.session;
    expect(stolen).toBeInstanceOf(Uuid);

    const thief = await RawClient.open(shared.url);
    const notFound = { error: { code: expect.any(Number), message: "Session not found" } };
    expect(
      await thief.call({ id: "q", method: "query", params: ["RETURN 1"], session: stolen }),
    ).toMatchObject({ id: "q", ...notFound });
    expect(await thief.call({ id: "u", method: "use", params: ["x", "y"], session: stolen })).toMatchObject({
      id: "u",
      ...notFound,
    });
    expect(await thief.call({ id: "d", method: "detach", session: stolen })).toMatchObject({
      id: "d",
      ...notFound,
    });

    // Attaching the same id makes a private session of the thief's own, not a handle on the owner's.
    expect(await thief.call({ id: "a", method: "attach", session: stolen })).toEqual({
      id: "a",
      result: null,
    });
    expect(
      await thief.call({ id: "u2", method: "use", params: ["thief", "thief"], session: stolen }),
    ).not.toHaveProperty("error");

    // The owner's session is untouched: still listed, still on its database.
    expect((await owner.sessions()).map(String)).toEqual([String(stolen)]);
    expect(await session.query("RETURN [session::ns(), session::db()]")).toEqual([["test", database]]);
  });
});

describe("error forwarding", () => {
  it("returns parse errors and schema violations as SDK errors and keeps the connection usable", async () => {
    const a = await connect(shared.url, uniqueName("errors"));

    await expect(a.query("SELECT FROM WHERE")).rejects.toThrow(/Parse error/);
    expect(await a.query("RETURN 1")).toEqual([1]);

    await expect(a.query("CREATE x:1; CREATE x:1")).rejects.toThrow(/already exists/);
    expect(await a.query("RETURN 2")).toEqual([2]);

    await a.query("DEFINE TABLE typed SCHEMAFULL; DEFINE FIELD n ON typed TYPE int");
    const violation = a.query("CREATE typed:1 SET n = 'not a number'");
    await expect(violation).rejects.toBeInstanceOf(ServerError);
    await expect(violation).rejects.toThrow(/int/);
    expect(await a.select(new Table("typed"))).toEqual([]);
    expect(await a.query("RETURN 3")).toEqual([3]);
  });

  it("answers an unknown RPC method with an RPC error", async () => {
    const raw = await RawClient.open(shared.url);
    const response = await raw.call({ id: "m", method: "no_such_method", params: [] });
    expect(response).toMatchObject({ id: "m", error: { code: -32601, message: "Method not found" } });
    expect(await raw.call({ id: "ok", method: "query", params: ["RETURN 7"] })).toMatchObject({
      id: "ok",
      result: [{ status: "OK", result: 7 }],
    });
  });

  it("answers garbage binary frames with an error and stays up for other clients", async () => {
    const raw = await RawClient.open(shared.url);
    raw.send(Buffer.from([0xff, 0x00, 0x13]));
    const parseError = await raw.next((r) => r.error !== undefined, "parse error");
    expect(parseError).toMatchObject({ error: { code: -32700 } });
    expect(parseError.id).toBeUndefined();

    // A CBOR array, a truncated map and a map with a non-text method: all errors, none fatal.
    raw.send(codec.encode([1, 2, 3]));
    raw.send(Buffer.from([0xa2, 0x62, 0x69, 0x64]));
    raw.send(codec.encode({ id: "n", method: 12 }));
    await raw.next((r) => r.id === "n", "non-text method error");
    await waitUntil(() => raw.responses.filter((r) => r.error).length === 4, "four errors");
    expect(await raw.call({ id: "alive", method: "ping" })).toMatchObject({ id: "alive" });

    const other = await connect(shared.url, uniqueName("garbage"));
    expect(await other.query("RETURN 'still up'")).toEqual(["still up"]);
    expect((await fetch(`${shared.httpUrl}/health`)).status).toBe(200);
  });

  it("answers a request whose method is not valid UTF-8 instead of dropping it", async () => {
    const raw = await RawClient.open(shared.url);
    // { "id": "bad", "method": <text string holding the invalid UTF-8 bytes C3 28> }
    const frame = Buffer.concat([
      Buffer.from([0xa2, 0x62]),
      Buffer.from("id"),
      Buffer.from([0x63]),
      Buffer.from("bad"),
      Buffer.from([0x66]),
      Buffer.from("method"),
      Buffer.from([0x62, 0xc3, 0x28]),
    ]);
    raw.send(frame);
    expect(await raw.next((r) => r.id === "bad", "response to the bad frame")).toHaveProperty("error");
    expect(await raw.call({ id: "after", method: "ping" })).toMatchObject({ id: "after" });
  });

  it("closes cleanly on a text frame without affecting other clients", async () => {
    const raw = await RawClient.open(shared.url);
    const other = await RawClient.open(shared.url);
    raw.send("this is not CBOR");
    await waitUntil(() => raw.closed !== undefined, "close after a text frame");
    expect(raw.closed?.code).toBe(1003);
    expect(await other.call({ id: "p", method: "ping" })).toMatchObject({ id: "p" });
  });
});

describe("live queries", () => {
  it("notifies subscribers on the same database only, and survives the subscriber leaving", async () => {
    const server = await startServer();
    const database = uniqueName("live");
    const otherDatabase = uniqueName("live_other");
    const a = await connect(server.url, database);
    const b = await connect(server.url, database);
    const c = await connect(server.url, otherDatabase);

    await b.query("DEFINE TABLE event");
    await c.query("DEFINE TABLE event");
    const seenByA: LiveMessage[] = [];
    const seenByC: LiveMessage[] = [];
    (await a.live(new Table("event"))).subscribe((message) => seenByA.push(message));
    (await c.live(new Table("event"))).subscribe((message) => seenByC.push(message));

    await b.create(new RecordId("event", "e1")).content({ kind: "signup" });
    await waitUntil(() => seenByA.length > 0, "A's notification");
    const [first] = seenByA;
    expect(first?.action).toBe("CREATE");
    expect(first?.recordId?.toString()).toBe("event:e1");
    expect(first?.value).toMatchObject({ kind: "signup" });

    await delay(200);
    expect(seenByA).toHaveLength(1);
    expect(seenByC).toEqual([]);

    // A leaves; B keeps writing without errors and C's subscription still works.
    await a.close();
    await waitUntil(() => server.stats().connections === 2, "the server to drop A");
    await b.create(new RecordId("event", "e2")).content({ kind: "login" });
    expect(
      await b.query("UPDATE event SET seen = true RETURN NONE; RETURN count(SELECT * FROM event)"),
    ).toEqual([[], 2]);
    await c.create(new RecordId("event", "c1")).content({ kind: "other" });
    await waitUntil(() => seenByC.length > 0, "C's notification for its own database");
    expect(seenByC.map((m) => m.recordId?.toString())).toEqual(["event:c1"]);
    expect(seenByA).toHaveLength(1);
  });

  it("routes notifications of a live query opened in a new session to that session", async () => {
    const database = uniqueName("live_session");
    const a = await connect(shared.url, uniqueName("live_default"));
    const session = await a.newSession();
    await session.use({ namespace: "test", database });
    const writer = await connect(shared.url, database);
    await writer.query("DEFINE TABLE ticket");

    const seen: LiveMessage[] = [];
    (await session.live(new Table("ticket"))).subscribe((message) => seen.push(message));
    await writer.create(new RecordId("ticket", 1)).content({ title: "help" });
    await waitUntil(() => seen.length > 0, "the session's notification");
    expect(seen[0]).toMatchObject({ action: "CREATE", value: { title: "help" } });
  });
});

describe("persistence", () => {
  it("keeps records across an in-process restart on surrealkv", async () => {
    const path = `surrealkv://${await tempDir()}`;
    const first = await startServer({ path });
    const writer = await connect(first.url, "persist");
    await writer.create(new RecordId("company", "acme")).content({ name: "Acme" });
    await writer.close();
    await first.close();

    const second = await startServer({ path });
    const reader = await connect(second.url, "persist");
    const acme = await reader.select<{ name: string }>(new RecordId("company", "acme"));
    expect(acme?.name).toBe("Acme");
  });

  it("keeps records across a CLI process restart and exits 0 on SIGTERM", { timeout: 30_000 }, async () => {
    const path = `surrealkv://${await tempDir()}`;
    const port = await freePort();
    const children: ChildProcess[] = [];
    const startCli = async () => {
      const child = spawn(
        join(REPO_ROOT, "node_modules/.bin/tsx"),
        ["shared/db/local-server/cli.ts", "--bind", `127.0.0.1:${port}`, "--path", path],
        { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
      );
      children.push(child);
      let output = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const deadline = Date.now() + 15_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`the CLI exited early: ${output}`);
        const healthy = await fetch(`http://127.0.0.1:${port}/health`).then(
          (response) => response.status === 200,
          () => false,
        );
        if (healthy) break;
        if (Date.now() > deadline) throw new Error(`the CLI never became healthy: ${output}`);
        await delay(100);
      }
      const stop = async () => {
        child.kill("SIGTERM");
        const code = await Promise.race([exited, delay(5_000).then(() => "timeout" as const)]);
        return { code, output };
      };
      return { stop };
    };

    try {
      const first = await startCli();
      const writer = await connect(`ws://127.0.0.1:${port}/rpc`, "cli");
      await writer.create(new RecordId("deal", "d1")).content({ amount: 1200 });
      await writer.close();
      const stopped = await first.stop();
      expect(stopped.code, stopped.output).toBe(0);

      const second = await startCli();
      const reader = await connect(`ws://127.0.0.1:${port}/rpc`, "cli");
      const deal = await reader.select<{ amount: number }>(new RecordId("deal", "d1"));
      expect(deal?.amount).toBe(1200);
      await reader.close();
      expect((await second.stop()).code).toBe(0);
    } finally {
      for (const child of children) {
        if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
          process.kill(child.pid, "SIGKILL");
        }
      }
    }
  });
});

describe("HTTP endpoints", () => {
  it("serves /health, /version and /stats, and 404 elsewhere", async () => {
    const server = await startServer();
    expect((await fetch(`${server.httpUrl}/health`)).status).toBe(200);

    const version = await (await fetch(`${server.httpUrl}/version`)).text();
    expect(version).toMatch(/^surrealdb-3\.\d+\.\d+/);
    expect(version).toBe(server.version);

    const before = await getJson<{ connections: number; requests: Record<string, number> }>(
      `${server.httpUrl}/stats`,
    );
    expect(before).toEqual({ connections: 0, requests: {} });

    const db = await connect(server.url, "stats");
    await db.query("RETURN 1");
    await db.query("RETURN 2");
    const after = await getJson<{ connections: number; requests: Record<string, number> }>(
      `${server.httpUrl}/stats`,
    );
    expect(after.connections).toBe(1);
    expect(after.requests.query).toBeGreaterThanOrEqual(2);
    expect(after.requests.use).toBeGreaterThanOrEqual(1);

    await db.query("RETURN 3");
    expect(server.stats().requests.query).toBe((after.requests.query ?? 0) + 1);

    expect((await fetch(`${server.httpUrl}/nope`)).status).toBe(404);
    expect((await fetch(`${server.httpUrl}/health`, { method: "POST" })).status).toBe(405);
  });

  it("counts every method name as a number in /stats", async () => {
    const server = await startServer();
    const raw = await RawClient.open(server.url);
    await raw.call({ id: "1", method: "constructor" });
    await raw.call({ id: "2", method: "toString" });
    await raw.call({ id: "3", method: "__proto__" });
    const stats = await getJson<{ requests: Record<string, unknown> }>(`${server.httpUrl}/stats`);
    expect(Object.entries(stats.requests).sort()).toEqual([
      ["__proto__", 1],
      ["constructor", 1],
      ["toString", 1],
    ]);
  });

  it("refuses WebSocket upgrades without the cbor subprotocol or off /rpc", async () => {
    expect(await upgradeOutcome(shared.url, ["cbor"])).toBe("open");
    expect(await upgradeOutcome(shared.url)).toBe("Unexpected server response: 400");
    expect(await upgradeOutcome(shared.url, ["json"])).toBe("Unexpected server response: 400");
    expect(await upgradeOutcome(`${shared.httpUrl.replace("http", "ws")}/other`, ["cbor"])).toBe(
      "Unexpected server response: 404",
    );
  });
});

describe("root user", () => {
  it("signs in with the configured password, rejects a wrong one, and accepts the token elsewhere", async () => {
    const server = await startServer({ user: "root", pass: "s3cret" });
    const a = await connect(server.url, "auth");
    const tokens = await a.signin({ username: "root", password: "s3cret" });
    expect(typeof tokens.access).toBe("string");
    expect(tokens.access.split(".")).toHaveLength(3);

    const intruder = await connect(server.url, "auth");
    await expect(intruder.signin({ username: "root", password: "wrong" })).rejects.toThrow(/authentication/);
    await expect(intruder.authenticate("not.a.token")).rejects.toThrow();
    expect(await intruder.query("RETURN $token.ID")).toEqual([undefined]);

    const b = await connect(server.url, "auth");
    expect(await b.query("RETURN $token.ID")).toEqual([undefined]);
    await b.authenticate(tokens.access);
    expect(await b.query("RETURN $token.ID")).toEqual(["root"]);
  });
});

describe("close()", () => {
  it("disconnects clients and frees the port", async () => {
    const server = await startLocalSurreal({ path: "mem://", port: 0 });
    let closed = false;
    try {
      const db = await connect(server.url, "closing");
      const raw = await RawClient.open(server.url);
      expect(await db.query("RETURN 1")).toEqual([1]);

      await server.close();
      closed = true;

      await waitUntil(() => raw.closed !== undefined, "the raw client to be closed");
      expect(raw.closed?.code).toBe(1001);
      await waitUntil(() => db.status === "disconnected", "the SDK to notice");
      await expect(db.query("RETURN 1")).rejects.toThrow();
      expect(server.stats().connections).toBe(0);
      expect(await canListen(server.port)).toBe(true);
      await expect(server.close()).resolves.toBeUndefined();
    } finally {
      if (!closed) await server.close();
    }
  });
});
