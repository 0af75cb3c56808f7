import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EmailDraft, LandingPageContent } from "../schemas/assets.ts";
import { type AiConfig, resolveModel } from "./config.ts";
import { generateAsset } from "./generate.ts";
import { deriveAssetContent } from "./render.ts";
import { assetInput, BRAND, NOW } from "./test-fixtures.ts";

/**
 * The real `@ai-sdk/openai` provider against a fake OpenAI-compatible server on 127.0.0.1: proves the
 * request the production path sends (chat completions, bearer key, system + user messages, a JSON
 * schema response format) and that its answer becomes the stored asset.
 */

interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

type Reply = { status: number; body: string };

/*
 * The slice of node:http this test uses. The file is also type-checked with the Workers configuration,
 * which has no Node types, so the module is loaded by a computed specifier and typed here.
 */
interface FakeRequest extends AsyncIterable<Uint8Array> {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}
interface FakeResponse {
  writeHead(status: number, headers: Record<string, string>): { end(body: string): void };
}
interface FakeServer {
  listen(port: number, host: string, callback: () => void): void;
  address(): { port: number };
  closeAllConnections(): void;
  close(callback: () => void): void;
}
interface NodeHttp {
  createServer(handler: (request: FakeRequest, response: FakeResponse) => void): FakeServer;
}

let server: FakeServer;
let baseURL: string;
const requests: Recorded[] = [];
let reply: (request: Recorded) => Reply = () => ({ status: 500, body: "{}" });

async function readBody(request: FakeRequest): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of request) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

function completion(content: string, model = "gpt-4o-mini"): Reply {
  return {
    status: 200,
    body: JSON.stringify({
      id: "chatcmpl-test",
      object: "chat.completion",
      created: 1_767_000_000,
      model,
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
      usage: { prompt_tokens: 120, completion_tokens: 80, total_tokens: 200 },
    }),
  };
}

beforeAll(async () => {
  const specifier = ["node", "http"].join(":");
  const http = (await import(/* @vite-ignore */ specifier)) as NodeHttp;
  server = http.createServer(async (request, response) => {
    const text = await readBody(request);
    const authorization = request.headers.authorization;
    const recorded: Recorded = {
      method: request.method ?? "",
      url: request.url ?? "",
      authorization: typeof authorization === "string" ? authorization : undefined,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
    requests.push(recorded);
    const { status, body } = reply(recorded);
    response.writeHead(status, { "content-type": "application/json" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${server.address().port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests.length = 0;
});

function config(overrides: Partial<AiConfig> = {}): AiConfig {
  return {
    provider: "openai",
    apiKey: "sk-test-123",
    model: "gpt-4o-mini",
    baseURL,
    timeoutMs: 5_000,
    maxRetries: 0,
    ...overrides,
  };
}

const DRAFT: EmailDraft = {
  subject: "Field teams: offline sync is here",
  preview_text: "Keep working without signal. Free for 30 days.",
  heading: "Work anywhere, sync later",
  paragraphs: ['Hi {{first_name | "there"}},', "Offline sync keeps field teams working without signal."],
  cta: { label: "Start the free trial", url: "https://fieldwise.io/trial" },
  signoff: "Cheers,\nMaya",
};

describe("@ai-sdk/openai against an OpenAI-compatible server", () => {
  it("sends a chat completion with a JSON schema and stores the answer", async () => {
    reply = () => completion(JSON.stringify(DRAFT));
    const result = await generateAsset("email", assetInput("lead_gen", { prompt: "Stress the trial" }), {
      config: config(),
      now: NOW,
    });

    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/v1/chat/completions");
    expect(request?.authorization).toBe("Bearer sk-test-123");
    expect(request?.body.model).toBe("gpt-4o-mini");
    const messages = request?.body.messages as { role: string; content: string }[];
    expect(messages.map((message) => message.role)).toEqual(["system", "user"]);
    expect(messages[1]?.content).toContain("<data>");
    expect(messages[1]?.content).toContain("Stress the trial");
    const format = request?.body.response_format as {
      type: string;
      json_schema: {
        name: string;
        strict: boolean;
        schema: { type: string; properties: Record<string, unknown> };
      };
    };
    expect(format.type).toBe("json_schema");
    expect(format.json_schema.name).toBe("email");
    expect(format.json_schema.schema.type).toBe("object");
    expect(JSON.stringify(format.json_schema.schema)).not.toContain("$ref");
    expect(Object.keys(format.json_schema.schema.properties)).toEqual([
      "subject",
      "preview_text",
      "heading",
      "paragraphs",
      "cta",
      "signoff",
    ]);

    // The model's words are kept; the button's link is the campaign's own, never the model's.
    const pinned = { ...DRAFT, cta: { ...DRAFT.cta, url: BRAND.website_url ?? "" } };
    expect(result.content).toEqual(deriveAssetContent("email", pinned, BRAND));
    expect(result.metadata).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      fallback_reason: null,
    });
  });

  it("handles a discriminated landing page answer", async () => {
    const page: LandingPageContent = {
      blocks: [
        { type: "hero", headline: "Offline sync", subheadline: "For field teams", cta_label: "Try it" },
        {
          type: "form",
          fields: [{ name: "email", label: "Email", type: "email", required: true, options: null }],
          submit_label: "Start",
        },
        { type: "footer", text: "Fieldwise · Bristol" },
      ],
    };
    reply = () => completion(JSON.stringify(page));
    const result = await generateAsset("landing_page", assetInput("lead_gen"), {
      config: config(),
      now: NOW,
    });
    expect(result).toMatchObject({ content: page, metadata: { provider: "openai", fallback_reason: null } });
  });

  it("falls back when the server answers 500", async () => {
    reply = () => ({
      status: 500,
      body: JSON.stringify({ error: { message: "boom", type: "server_error" } }),
    });
    const result = await generateAsset("email", assetInput("lead_gen"), { config: config(), now: NOW });
    expect(requests).toHaveLength(1);
    expect(result.metadata).toMatchObject({
      provider: "template",
      fallback_reason: "the model provider answered HTTP 500",
    });
  });

  it("retries as configured before falling back", async () => {
    let calls = 0;
    reply = () => {
      calls += 1;
      return calls === 1 ? { status: 503, body: "{}" } : completion(JSON.stringify(DRAFT));
    };
    const result = await generateAsset("email", assetInput("lead_gen"), {
      config: config({ maxRetries: 1 }),
      now: NOW,
    });
    expect(requests).toHaveLength(2);
    expect(result.metadata.provider).toBe("openai");
  }, 10_000);

  it("falls back when the message content is not valid JSON for the schema", async () => {
    reply = () => completion("{ this is not json");
    const broken = await generateAsset("email", assetInput("lead_gen"), { config: config(), now: NOW });
    expect(broken.metadata).toMatchObject({
      provider: "template",
      fallback_reason: "the model's output was not valid JSON for the schema",
    });

    reply = () => completion(JSON.stringify({ ...DRAFT, cta: { label: "Go", url: "javascript:alert(1)" } }));
    const invalid = await generateAsset("email", assetInput("lead_gen"), { config: config(), now: NOW });
    expect(invalid.metadata.fallback_reason).toBe(
      "the model's output did not match the schema (cta.url: must be an http(s) URL)",
    );
  });

  it("resolves no model for the template provider", () => {
    expect(resolveModel({ ...config(), provider: "template" })).toBeUndefined();
    expect(resolveModel(config())).toMatchObject({ modelId: "gpt-4o-mini", provider: "openai.chat" });
  });
});
