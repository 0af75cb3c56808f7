import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModel } from "ai";

/** How content is generated. Built from the Worker's bindings by the caller (no process.env here). */
export interface AiConfig {
  provider: "openai" | "template";
  apiKey?: string;
  model: string;
  /** An OpenAI-compatible server, e.g. `http://127.0.0.1:8080/v1`; OpenAI itself when absent. */
  baseURL?: string;
  timeoutMs: number;
  maxRetries: number;
}

export const DEFAULT_OPENAI_MODEL = "gpt-4o-mini";
export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_MAX_RETRIES = 2;

export const TEMPLATE_CONFIG: AiConfig = {
  provider: "template",
  model: "template",
  timeoutMs: DEFAULT_TIMEOUT_MS,
  maxRetries: 0,
};

function positiveInt(raw: string | undefined, fallback: number, max: number): number {
  const value = Number(raw);
  return raw !== undefined && raw.trim() !== "" && Number.isInteger(value) && value >= 0 && value <= max
    ? value
    : fallback;
}

/**
 * Reads the configuration from Worker bindings (or any string map): `AI_PROVIDER` (openai | template),
 * `OPENAI_API_KEY`, `OPENAI_MODEL`, `OPENAI_BASE_URL`, `AI_TIMEOUT_MS`, `AI_MAX_RETRIES`. Without a key
 * (and without an explicit provider) the template provider is used, so everything works offline.
 */
export function aiConfigFromEnv(env: Readonly<Record<string, unknown>>): AiConfig {
  const text = (name: string): string | undefined => {
    const value = env[name];
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };
  const apiKey = text("OPENAI_API_KEY");
  const baseURL = text("OPENAI_BASE_URL");
  const explicit = text("AI_PROVIDER");
  const provider =
    explicit === "openai" || explicit === "template" ? explicit : apiKey ? "openai" : "template";
  return {
    provider,
    ...(apiKey ? { apiKey } : {}),
    ...(baseURL ? { baseURL } : {}),
    model: provider === "openai" ? (text("OPENAI_MODEL") ?? DEFAULT_OPENAI_MODEL) : "template",
    timeoutMs: positiveInt(text("AI_TIMEOUT_MS"), DEFAULT_TIMEOUT_MS, 300_000),
    maxRetries: positiveInt(text("AI_MAX_RETRIES"), DEFAULT_MAX_RETRIES, 5),
  };
}

/**
 * The model for `config`, or undefined when content comes from the template provider. `.chat()` speaks
 * `/v1/chat/completions`, which every OpenAI-compatible server implements (the default call would use
 * OpenAI's Responses API). A key is required unless a base URL points at a server that may not need one.
 */
export function resolveModel(config: AiConfig): LanguageModel | undefined {
  if (config.provider !== "openai") return undefined;
  if (!config.apiKey && !config.baseURL) return undefined;
  // An explicit key (even empty) keeps the SDK from reading process.env, which Workers do not have.
  const openai = createOpenAI({
    apiKey: config.apiKey ?? "",
    ...(config.baseURL ? { baseURL: config.baseURL } : {}),
  });
  return openai.chat(config.model);
}
