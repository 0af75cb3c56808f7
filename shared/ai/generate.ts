import {
  APICallError,
  generateObject,
  type LanguageModel,
  NoObjectGeneratedError,
  RetryError,
  TypeValidationError,
} from "ai";
import type { z } from "zod";
import type { AssetType } from "../domain/campaign-status.ts";
import {
  ASSET_CONTENT_SCHEMAS,
  ASSET_DRAFT_SCHEMAS,
  type AssetContentByType,
  type AssetDraftByType,
  type AssetMetadata,
  type EmailDraft,
  type TimelineSummary,
  TimelineSummarySchema,
} from "../schemas/assets.ts";
import { resolveModel } from "./config.ts";
import { resolveCtaUrl } from "./copy.ts";
import { modelSchema } from "./model-schema.ts";
import { assetPrompt, type PromptPair, summaryPrompt } from "./prompts.ts";
import { collectStrings, deriveAssetContent, findUnknownTags } from "./render.ts";
import { TEMPLATE_MODEL_ID, templateAsset, templateSummary } from "./template-provider.ts";
import type { AssetInput, GenerateOptions, GenerationResult, SummaryInput } from "./types.ts";

/**
 * Generation with a configured model and a guaranteed answer: the model's output must pass the same
 * zod schemas as human edits (plus the derived checks, such as a social post's platform limit); a
 * failure, a timeout or invalid output falls back to the template provider, and the metadata says so.
 */

/** Output that parsed but must not be stored (e.g. unknown merge tags, derived limits). */
class RejectedOutput extends Error {
  override readonly name = "RejectedOutput";
}

const REASON_MAX = 200;

function firstIssue(error: unknown): string | null {
  const issues = (error as { issues?: z.core.$ZodIssue[] } | null)?.issues;
  const issue = Array.isArray(issues) ? issues[0] : undefined;
  if (!issue) return null;
  const path = issue.path.map(String).join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** Removes API keys, bearer tokens and credential query parameters from an error message. */
function redact(message: string): string {
  return message
    .replace(/\b(?:sk|pk|rk|key)[-_][A-Za-z0-9_-]{6,}/g, "[redacted]")
    .replace(/\bBearer\s+\S+/gi, "Bearer [redacted]")
    .replace(/([?&](?:api[-_]?key|key|token|access_token)=)[^&\s]+/gi, "$1[redacted]")
    .replace(/\s+/g, " ")
    .trim();
}

/** A short, secret-free explanation (never the provider's response body or the request). */
export function describeFailure(error: unknown, timedOut: boolean, timeoutMs: number): string {
  let reason: string;
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  if (timedOut) reason = `the model did not answer within ${timeoutMs} ms`;
  else if (cause instanceof RejectedOutput) reason = `the model's output was rejected: ${cause.message}`;
  else if (NoObjectGeneratedError.isInstance(cause)) {
    const detail = TypeValidationError.isInstance(cause.cause) ? firstIssue(cause.cause.cause) : null;
    reason = detail
      ? `the model's output did not match the schema (${detail})`
      : "the model's output was not valid JSON for the schema";
  } else if (APICallError.isInstance(cause)) {
    reason = cause.statusCode
      ? `the model provider answered HTTP ${cause.statusCode}`
      : "the model provider could not be reached";
  } else if (cause instanceof Error) {
    // Other errors (a network failure in workerd is a bare "Network connection lost.") only help with
    // their message; anything that looks like a credential is removed first.
    const message = redact(cause.message).slice(0, 120);
    reason = message ? `the model call failed: ${message}` : `the model call failed (${cause.name})`;
  } else {
    reason = "the model call failed";
  }
  return reason.length > REASON_MAX ? `${reason.slice(0, REASON_MAX - 1)}…` : reason;
}

function modelIdOf(model: LanguageModel): string {
  return typeof model === "string" ? model : model.modelId;
}

/** Rejects when the signal aborts, even if the model ignores the signal. */
function deadline(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

interface Attempt<D, C> {
  schema: z.ZodType<D>;
  schemaName: string;
  prompts: PromptPair;
  /** Turns valid model output into what is stored; throws RejectedOutput to fall back. */
  finish: (draft: D) => C;
  fallback: () => C;
  userPrompt: string | null;
}

async function run<D, C>(attempt: Attempt<D, C>, options: GenerateOptions): Promise<GenerationResult<C>> {
  const now = options.now ?? new Date();
  const { config } = options;
  const model = options.model ?? resolveModel(config);
  const metadata = (
    provider: AssetMetadata["provider"],
    modelId: string,
    reason: string | null,
  ): AssetMetadata => ({
    provider,
    model: modelId,
    fallback_reason: reason,
    generated_at: now.toISOString(),
    prompt: attempt.userPrompt,
  });
  if (!model) {
    const reason =
      config.provider === "openai" ? "openai is configured without an API key or base URL" : null;
    return { content: attempt.fallback(), metadata: metadata("template", TEMPLATE_MODEL_ID, reason) };
  }
  const signal = AbortSignal.timeout(config.timeoutMs);
  try {
    const result = await Promise.race([
      generateObject({
        model,
        schema: modelSchema(attempt.schema),
        schemaName: attempt.schemaName,
        system: attempt.prompts.system,
        prompt: attempt.prompts.prompt,
        maxRetries: config.maxRetries,
        abortSignal: signal,
        // Not strict: OpenAI's strict mode refuses schemas with length limits, and many compatible
        // servers do not support it. The zod schema is enforced on the answer either way.
        providerOptions: { openai: { strictJsonSchema: false } },
      }),
      deadline(signal),
    ]);
    return { content: attempt.finish(result.object), metadata: metadata("openai", modelIdOf(model), null) };
  } catch (error) {
    const reason = describeFailure(error, signal.aborted, config.timeoutMs);
    return { content: attempt.fallback(), metadata: metadata("template", TEMPLATE_MODEL_ID, reason) };
  }
}

/** Derived content, validated against the stored schema; a violation is the model's fault. */
function storedContent<T extends AssetType>(
  type: T,
  draft: AssetDraftByType[T],
  input: AssetInput,
  fromModel: boolean,
): AssetContentByType[T] {
  // The link is ours, not the model's: no prompt or brand text can steer where the button goes.
  const pinned =
    fromModel && type === "email"
      ? ({
          ...draft,
          cta: { ...(draft as EmailDraft).cta, url: resolveCtaUrl(input) },
        } as AssetDraftByType[T])
      : draft;
  const derived = deriveAssetContent(type, pinned, input.brand);
  const parsed = ASSET_CONTENT_SCHEMAS[type].safeParse(derived);
  if (!parsed.success) {
    // The template provider is tested against these schemas; failing here would be a bug in it.
    if (!fromModel) throw new Error(`template ${type} content is invalid: ${firstIssue(parsed.error)}`);
    throw new RejectedOutput(firstIssue(parsed.error) ?? "invalid content");
  }
  if (fromModel) {
    const unknown = [...new Set(collectStrings(draft).flatMap(findUnknownTags))];
    if (unknown.length > 0) throw new RejectedOutput(`unknown merge tags ${unknown.slice(0, 3).join(", ")}`);
  }
  return parsed.data as AssetContentByType[T];
}

export async function generateAsset<T extends AssetType>(
  type: T,
  input: AssetInput,
  options: GenerateOptions,
): Promise<GenerationResult<AssetContentByType[T]>> {
  return run<AssetDraftByType[T], AssetContentByType[T]>(
    {
      schema: ASSET_DRAFT_SCHEMAS[type] as unknown as z.ZodType<AssetDraftByType[T]>,
      schemaName: type,
      prompts: assetPrompt(type, input),
      finish: (draft) => storedContent(type, draft, input, true),
      fallback: () => storedContent(type, templateAsset(type, input), input, false),
      userPrompt: input.prompt?.trim() || null,
    },
    options,
  );
}

export async function summarizeTimeline(
  input: SummaryInput,
  options: GenerateOptions,
): Promise<GenerationResult<TimelineSummary>> {
  const now = options.now ?? new Date();
  return run<TimelineSummary, TimelineSummary>(
    {
      schema: TimelineSummarySchema,
      schemaName: "timeline_summary",
      prompts: summaryPrompt(input, now),
      finish: (summary) => summary,
      fallback: () => TimelineSummarySchema.parse(templateSummary(input, now)),
      userPrompt: null,
    },
    { ...options, now },
  );
}
