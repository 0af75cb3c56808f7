import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake OpenAI-compatible server for the API tests (the real one is not reachable from here). It
 * answers `POST /v1/chat/completions` the way OpenAI documents it, but only after checking the request
 * has the shape the `@ai-sdk/openai` chat provider must send: a bearer key, a model, system and user
 * messages, and a `json_schema` response format. Email drafts get a recognisable answer; any other
 * schema gets a 500, so callers can see the fallback. `GET /__requests` lists what it received.
 */
export const FAKE_OPENAI_KEY = "sk-test-fake-openai-key";
export const FAKE_SUBJECT = "Fake model: your invitation inside";

export async function startFakeOpenAI(): Promise<{ url: string; close(): Promise<void> }> {
  const received: unknown[] = [];
  const server = createServer(async (request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    if (request.method === "GET" && request.url === "/__requests") return send(200, received);
    const body = await readJson(request);
    received.push({ url: request.url, authorization: request.headers.authorization, body });
    const problem = checkShape(request, body);
    if (problem) return send(400, { error: { message: problem, type: "invalid_request_error" } });
    const schemaName = (body as { response_format: { json_schema: { name?: string } } }).response_format
      .json_schema.name;
    if (schemaName !== "email")
      return send(500, { error: { message: "the fake only drafts emails", type: "server_error" } });
    return send(200, {
      id: "chatcmpl-fake",
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: (body as { model: string }).model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: JSON.stringify(EMAIL_DRAFT) },
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 100, completion_tokens: 60, total_tokens: 160 },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const EMAIL_DRAFT = {
  subject: FAKE_SUBJECT,
  preview_text: "Written by the fake model for the API test",
  heading: "Hello {{first_name}}",
  paragraphs: ["This email was drafted by a fake OpenAI-compatible server."],
  cta: { label: "Reply", url: "https://example.com/reply" },
  signoff: "The team",
};

function checkShape(request: IncomingMessage, body: unknown): string | undefined {
  if (request.method !== "POST" || request.url !== "/v1/chat/completions")
    return `unexpected ${request.method} ${request.url}`;
  if (request.headers.authorization !== `Bearer ${FAKE_OPENAI_KEY}`) return "missing or wrong bearer key";
  const payload = body as {
    model?: unknown;
    messages?: Array<{ role?: unknown; content?: unknown }>;
    response_format?: { type?: unknown; json_schema?: { schema?: unknown } };
  };
  if (typeof payload.model !== "string") return "model is required";
  const roles = (payload.messages ?? []).map((message) => message.role);
  if (roles[0] !== "system" || !roles.includes("user")) return "expected a system and a user message";
  if (
    payload.response_format?.type !== "json_schema" ||
    typeof payload.response_format.json_schema?.schema !== "object"
  ) {
    return "expected a json_schema response format";
  }
  return undefined;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of request) text += chunk;
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
