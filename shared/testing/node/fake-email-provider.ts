import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { readText } from "./http-body.ts";

/**
 * A local stand-in for Resend and Postmark (neither is reachable from here). It answers their batch
 * endpoints as documented, but only after checking each request has exactly the documented shape:
 *
 * - Resend `POST /resend/emails/batch`: `Authorization: Bearer <key>`, JSON, an `Idempotency-Key`
 *   (≤ 256 characters; a repeated key answers the first answer again and sends nothing), 1–100 emails
 *   of `{from, to: [address], subject, html, text, headers: {string: string}, tags: [{name, value}]}`;
 *   answers `{ data: [{ id }] }`.
 * - Postmark `POST /postmark/email/batch`: `X-Postmark-Server-Token`, `Accept` and `Content-Type`
 *   JSON, 1–500 messages of `{From, To, Subject, HtmlBody, TextBody, MessageStream, Headers: [{Name,
 *   Value}], Metadata, TrackOpens, TrackLinks}`; answers one `{ErrorCode, Message, MessageID,
 *   SubmittedAt, To}` per message.
 *
 * It also plays a webhook receiver: `POST /hooks/<anything>` records the request (headers and raw
 * body, listed at `GET /__hooks`) and answers 200, or the statuses set with
 * `POST /__hook_script {"statuses": [500]}`.
 *
 * Control (for tests and benchmarks): `POST /__script {"statuses": [429, 503]}` answers the next
 * requests with those statuses; `POST /__config {"perSecond": 2}` rate-limits accepted requests (the
 * rest get 429); `GET /__sent` lists every accepted message; `POST /__reset`.
 */
export const FAKE_RESEND_KEY = "re_test_fake_resend_key";
export const FAKE_POSTMARK_TOKEN = "fake-postmark-server-token";

interface Sent {
  provider: "resend" | "postmark";
  to: string;
  subject: string;
  delivery: string | undefined;
  headers: Record<string, string>;
}

export async function startFakeEmailProvider(): Promise<{ url: string; close(): Promise<void> }> {
  let sent: Sent[] = [];
  let script: number[] = [];
  let perSecond = 0;
  let windowStart = 0;
  let windowCount = 0;
  let requests = 0;
  const idempotent = new Map<string, unknown>();
  // Not cleared by /__reset (another test file may be using the provider): tests use paths of their own.
  const hooks: Array<{ path: string; headers: Record<string, unknown>; body: string }> = [];
  let hookScript: number[] = [];

  const server = createServer(async (request, response) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      response
        .writeHead(status, { "content-type": "application/json", ...headers })
        .end(JSON.stringify(body));
    const raw = await readText(request);
    const body = parseJson(raw);
    if (request.url === "/__sent") return send(200, { requests, sent });
    if (request.url === "/__hooks") return send(200, hooks);
    if (request.url === "/__hook_script") {
      hookScript = [...((body as { statuses?: number[] }).statuses ?? [])];
      return send(200, {});
    }
    if (request.url?.startsWith("/hooks/")) {
      hooks.push({ path: request.url, headers: request.headers, body: raw });
      const status = hookScript.shift() ?? 200;
      return send(status, { ok: status < 300 });
    }
    if (request.url === "/__reset") {
      sent = [];
      script = [];
      perSecond = 0;
      windowStart = 0;
      windowCount = 0;
      requests = 0;
      idempotent.clear();
      return send(200, {});
    }
    if (request.url === "/__script") {
      script = [...((body as { statuses?: number[] }).statuses ?? [])];
      return send(200, {});
    }
    if (request.url === "/__config") {
      perSecond = Number((body as { perSecond?: number }).perSecond ?? 0);
      windowStart = 0;
      windowCount = 0;
      return send(200, {});
    }
    requests += 1;
    const resend = request.url === "/resend/emails/batch";
    const postmark = request.url === "/postmark/email/batch";
    if (request.method !== "POST" || (!resend && !postmark)) return send(404, { message: "not found" });
    const problem = resend ? checkResend(request, body) : checkPostmark(request, body);
    if (problem)
      return send(
        422,
        resend
          ? { statusCode: 422, name: "validation_error", message: problem }
          : { ErrorCode: 300, Message: problem },
      );

    const scripted = script.shift();
    if (scripted !== undefined && scripted !== 200) {
      return send(
        scripted,
        resend
          ? {
              statusCode: scripted,
              name: scripted === 429 ? "rate_limit_exceeded" : "internal_server_error",
              message: `scripted ${scripted}`,
            }
          : { ErrorCode: scripted === 429 ? 429 : 100, Message: `scripted ${scripted}` },
      );
    }
    if (perSecond > 0) {
      const now = Date.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        windowCount = 0;
      }
      if (windowCount >= perSecond) {
        return send(
          429,
          resend
            ? { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" }
            : { ErrorCode: 429, Message: "Rate limit exceeded" },
          { "retry-after": "1" },
        );
      }
      windowCount += 1;
    }

    if (resend) {
      const key = String(request.headers["idempotency-key"]);
      const earlier = idempotent.get(key);
      if (earlier) return send(200, earlier);
      const emails = body as Array<{
        to: string[];
        subject: string;
        headers: Record<string, string>;
        tags: Array<{ name: string; value: string }>;
      }>;
      for (const email of emails) {
        sent.push({
          provider: "resend",
          to: email.to[0] ?? "",
          subject: email.subject,
          delivery: email.tags.find((tag) => tag.name === "delivery")?.value,
          headers: email.headers,
        });
      }
      const answer = { data: emails.map(() => ({ id: randomUUID() })) };
      idempotent.set(key, answer);
      return send(200, answer);
    }
    const messages = body as Array<{
      To: string;
      Subject: string;
      Metadata: { delivery?: string };
      Headers: Array<{ Name: string; Value: string }>;
    }>;
    return send(
      200,
      messages.map((message) => {
        // Postmark refuses recipients it marked inactive (hard bounces, complaints): ErrorCode 406.
        if (message.To.startsWith("inactive")) {
          return {
            ErrorCode: 406,
            Message: "You tried to send to a recipient that has been marked as inactive.",
            To: message.To,
          };
        }
        sent.push({
          provider: "postmark",
          to: message.To,
          subject: message.Subject,
          delivery: message.Metadata.delivery,
          headers: Object.fromEntries(message.Headers.map((header) => [header.Name, header.Value])),
        });
        return {
          ErrorCode: 0,
          Message: "OK",
          MessageID: randomUUID(),
          SubmittedAt: new Date().toISOString(),
          To: message.To,
        };
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const isString = (value: unknown): value is string => typeof value === "string";
const isStringRecord = (value: unknown) =>
  typeof value === "object" &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every(isString);

function checkResend(request: IncomingMessage, body: unknown): string | undefined {
  if (request.headers.authorization !== `Bearer ${FAKE_RESEND_KEY}`) return "missing or wrong API key";
  if (!String(request.headers["content-type"]).startsWith("application/json"))
    return "content-type must be JSON";
  const key = request.headers["idempotency-key"];
  if (!isString(key) || key.length === 0 || key.length > 256)
    return "Idempotency-Key must be 1-256 characters";
  if (!Array.isArray(body) || body.length < 1 || body.length > 100)
    return "the body must be an array of 1-100 emails";
  for (const [index, email] of body.entries()) {
    const e = email as Record<string, unknown>;
    const allowed = new Set([
      "from",
      "to",
      "subject",
      "html",
      "text",
      "headers",
      "tags",
      "cc",
      "bcc",
      "reply_to",
    ]);
    const unknown = Object.keys(e).find((field) => !allowed.has(field));
    if (unknown) return `email ${index}: unknown field ${unknown}`;
    if (!isString(e.from) || !/^(".*" )?<?[^\s<>@]+@[^\s<>@]+>?$/.test(e.from)) return `email ${index}: from`;
    if (!Array.isArray(e.to) || e.to.length < 1 || e.to.length > 50 || !e.to.every(isString))
      return `email ${index}: to`;
    if (!isString(e.subject) || !isString(e.html) || !isString(e.text))
      return `email ${index}: subject, html and text`;
    if (!isStringRecord(e.headers)) return `email ${index}: headers must map names to strings`;
    const tags = e.tags as Array<{ name?: unknown; value?: unknown }>;
    if (
      !Array.isArray(tags) ||
      !tags.every(
        (tag) =>
          isString(tag.name) &&
          /^[A-Za-z0-9_-]{1,256}$/.test(tag.name) &&
          isString(tag.value) &&
          /^[A-Za-z0-9_-]{1,256}$/.test(tag.value),
      )
    ) {
      return `email ${index}: tags must be {name, value} of ASCII letters, numbers, _ and -`;
    }
  }
  return undefined;
}

function checkPostmark(request: IncomingMessage, body: unknown): string | undefined {
  if (request.headers["x-postmark-server-token"] !== FAKE_POSTMARK_TOKEN)
    return "missing or wrong server token";
  if (request.headers.accept !== "application/json") return "Accept must be application/json";
  if (!String(request.headers["content-type"]).startsWith("application/json"))
    return "Content-Type must be JSON";
  if (!Array.isArray(body) || body.length < 1 || body.length > 500)
    return "the body must be an array of 1-500 messages";
  for (const [index, message] of body.entries()) {
    const m = message as Record<string, unknown>;
    const allowed = new Set([
      "From",
      "To",
      "Cc",
      "Bcc",
      "Subject",
      "Tag",
      "HtmlBody",
      "TextBody",
      "ReplyTo",
      "Headers",
      "TrackOpens",
      "TrackLinks",
      "Metadata",
      "MessageStream",
    ]);
    const unknown = Object.keys(m).find((field) => !allowed.has(field));
    if (unknown) return `message ${index}: unknown field ${unknown}`;
    if (!isString(m.From) || !isString(m.To) || !isString(m.Subject))
      return `message ${index}: From, To and Subject`;
    if (!isString(m.HtmlBody) && !isString(m.TextBody)) return `message ${index}: HtmlBody or TextBody`;
    if (!isString(m.MessageStream)) return `message ${index}: MessageStream`;
    const headers = m.Headers as Array<{ Name?: unknown; Value?: unknown }>;
    if (
      !Array.isArray(headers) ||
      !headers.every((header) => isString(header.Name) && isString(header.Value))
    ) {
      return `message ${index}: Headers must be [{Name, Value}]`;
    }
    if (
      typeof m.TrackOpens !== "boolean" ||
      !["None", "HtmlAndText", "HtmlOnly", "TextOnly"].includes(String(m.TrackLinks))
    ) {
      return `message ${index}: TrackOpens / TrackLinks`;
    }
    if (!isStringRecord(m.Metadata)) return `message ${index}: Metadata must map names to strings`;
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}
