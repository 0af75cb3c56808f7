import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { isIP } from "node:net";
import { readText } from "./http-body.ts";

/**
 * A local stand-in for Cloudflare Turnstile's siteverify (not reachable from here). It answers
 * `POST /turnstile/v0/siteverify` as documented for the dummy secret keys, after checking the request
 * has exactly the documented shape:
 *
 * - content type `application/x-www-form-urlencoded` or `application/json` (parameters may follow);
 * - fields `secret` and `response` (≤ 2048 characters), optional `remoteip` (an IP address) and
 *   `idempotency_key` (a UUID), all strings, each at most once, and nothing else.
 *
 * A missing or empty `secret` / `response` answers 400 `missing-input-secret` / `missing-input-response`;
 * any other shape problem answers 400 `bad-request`. Stricter than Cloudflare on purpose (unknown fields,
 * repeated fields and multipart bodies are refused): a misspelt field must fail a test, not be ignored.
 *
 * Secrets (https://developers.cloudflare.com/turnstile/troubleshooting/testing/):
 * - `1x0000000000000000000000000000000AA` passes the dummy token `XXXX.DUMMY.TOKEN.XXXX` (every time:
 *   the dummy token is never spent) and, as documented, refuses any other token (`invalid-input-response`);
 * - `2x0000000000000000000000000000000AA` always fails with `invalid-input-response`;
 * - `3x0000000000000000000000000000000AA` always fails with `timeout-or-duplicate`;
 * - any other secret: `invalid-input-secret`.
 * Verdicts are HTTP 200, like the documented examples.
 *
 * Every request except the control ones is recorded, in order, with its parsed fields and content type:
 * in `requests` (same process) or at `GET /__requests` (another process, e.g. a Worker under test).
 * `failNext("hang" | "500" | "html")` (or `POST /__script {"modes": [...]}`) makes the next siteverify
 * requests never answer, answer 500 with an HTML page, or answer 200 with an HTML page.
 * `POST /__reset` clears the record and the script.
 */
export const FAKE_TURNSTILE_PATH = "/turnstile/v0/siteverify";

const DUMMY_TOKEN = "XXXX.DUMMY.TOKEN.XXXX";
const SECRETS = {
  pass: "1x0000000000000000000000000000000AA",
  fail: "2x0000000000000000000000000000000AA",
  spent: "3x0000000000000000000000000000000AA",
};
const FIELDS = new Set(["secret", "response", "remoteip", "idempotency_key"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type FakeTurnstileFailure = "hang" | "500" | "html";

export interface FakeTurnstileRequest {
  method: string;
  path: string;
  /** The Content-Type header as sent, or null. */
  contentType: string | null;
  /** The body's fields (form or JSON), or null when the body could not be parsed as either. */
  fields: Record<string, unknown> | null;
  raw: string;
  /** The HTTP status answered; null for a request left hanging. */
  status: number | null;
  /** The answer's `error-codes` (empty on success or when the answer was not JSON). */
  errorCodes: string[];
}

export interface FakeTurnstile {
  /** The full siteverify URL, to pass as `url` to `verifyTurnstile`. */
  url: string;
  requests: FakeTurnstileRequest[];
  failNext(...modes: FakeTurnstileFailure[]): void;
  close(): Promise<void>;
}

export async function startFakeTurnstile(): Promise<FakeTurnstile> {
  const requests: FakeTurnstileRequest[] = [];
  const script: FakeTurnstileFailure[] = [];

  const server = createServer(async (request, response) => {
    const send = (status: number, body: unknown) =>
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const raw = await readText(request);
    const path = (request.url ?? "").split("?")[0] ?? "";

    if (path === "/__requests") return send(200, requests);
    if (path === "/__reset") {
      requests.length = 0;
      script.length = 0;
      return send(200, {});
    }
    if (path === "/__script") {
      const modes = (parseJson(raw) as { modes?: unknown } | undefined)?.modes;
      if (Array.isArray(modes)) script.push(...(modes as FakeTurnstileFailure[]));
      return send(200, {});
    }

    const contentType = request.headers["content-type"] ?? null;
    const fields = parseFields(contentType, raw);
    const record: FakeTurnstileRequest = {
      method: request.method ?? "",
      path,
      contentType,
      fields: fields === "repeated" ? null : fields,
      raw,
      status: null,
      errorCodes: [],
    };
    requests.push(record);
    const answer = (status: number, body: { success: boolean; "error-codes": string[] }) => {
      record.status = status;
      record.errorCodes = body["error-codes"];
      send(status, body);
    };
    const refuse = (status: number, code: string) =>
      answer(status, { success: false, "error-codes": [code] });

    if (path !== FAKE_TURNSTILE_PATH) {
      record.status = 404;
      return send(404, { message: "not found" });
    }
    if (request.method !== "POST") return refuse(400, "bad-request");
    if (fields === "repeated" || fields === null) return refuse(400, "bad-request");
    const unknown = Object.keys(fields).find((field) => !FIELDS.has(field));
    if (unknown !== undefined) return refuse(400, "bad-request");
    if (!Object.values(fields).every((value) => typeof value === "string")) return refuse(400, "bad-request");
    const {
      secret,
      response: token,
      remoteip,
      idempotency_key,
    } = fields as Record<string, string | undefined>;
    if (!secret) return refuse(400, "missing-input-secret");
    if (!token) return refuse(400, "missing-input-response");
    if (token.length > 2048) return refuse(400, "bad-request");
    if (remoteip !== undefined && isIP(remoteip) === 0) return refuse(400, "bad-request");
    if (idempotency_key !== undefined && !UUID.test(idempotency_key)) return refuse(400, "bad-request");

    const failure = script.shift();
    if (failure === "hang") return; // never answered; close() ends the connection
    if (failure === "500" || failure === "html") {
      record.status = failure === "500" ? 500 : 200;
      return response
        .writeHead(record.status, { "content-type": "text/html" })
        .end("<!DOCTYPE html><html><body>Something went wrong</body></html>");
    }

    if (secret === SECRETS.pass) {
      if (token !== DUMMY_TOKEN) return refuse(200, "invalid-input-response");
      // The documented answer for a dummy-key success.
      record.status = 200;
      return send(200, {
        success: true,
        challenge_ts: new Date().toISOString(),
        hostname: "localhost",
        "error-codes": [],
        action: "test",
        cdata: "test-data",
      });
    }
    if (secret === SECRETS.fail) return refuse(200, "invalid-input-response");
    if (secret === SECRETS.spent) return refuse(200, "timeout-or-duplicate");
    return refuse(200, "invalid-input-secret");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${FAKE_TURNSTILE_PATH}`,
    requests,
    failNext: (...modes) => {
      script.push(...modes);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The body's fields by content type; "repeated" when a form field appears twice, null when unreadable. */
function parseFields(contentType: string | null, raw: string): Record<string, unknown> | "repeated" | null {
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  if (mediaType === "application/json") {
    const value = parseJson(raw);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  }
  if (mediaType === "application/x-www-form-urlencoded") {
    const params = new URLSearchParams(raw);
    const fields: Record<string, string> = {};
    for (const [name, value] of params) {
      if (Object.hasOwn(fields, name)) return "repeated";
      fields[name] = value;
    }
    return fields;
  }
  return null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
