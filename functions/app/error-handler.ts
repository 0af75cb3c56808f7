import { translateDatabaseError } from "@crm/shared/db";
import { AppError, type ErrorCode, type ErrorEnvelope, statusOf } from "@crm/shared/errors";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

const HTTP_EXCEPTION_CODES: Partial<Record<number, ErrorCode>> = {
  400: "bad_json",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
};

/** The one place errors become responses: always the envelope, never a stack trace. */
export function errorResponse(error: unknown, c: Context) {
  const requestId = (c.get("requestId") as string | undefined) ?? "unknown";
  const known = toAppError(error, c.req.path);
  if (known.code === "internal_error") console.error(JSON.stringify({ requestId, error: describe(error) }));
  if (known.code === "configuration_error")
    console.error(JSON.stringify({ requestId, error: known.message }));
  if (known.code === "rate_limited") {
    const retryAfter = (known.details as { retry_after_seconds?: unknown } | undefined)?.retry_after_seconds;
    c.header("Retry-After", String(typeof retryAfter === "number" ? retryAfter : 60));
  }
  return envelope(c, known.code, known.message, requestId, known.details);
}

export function envelope(
  c: Context,
  code: ErrorCode,
  message: string,
  requestId: string,
  details?: ErrorEnvelope["error"]["details"],
) {
  const body: ErrorEnvelope = { error: { code, message, ...(details ? { details } : {}), requestId } };
  return c.json(body, statusOf(code) as ContentfulStatusCode);
}

function toAppError(error: unknown, path: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    const code = HTTP_EXCEPTION_CODES[error.status];
    if (code === "bad_json") return new AppError(code, "the request body is not valid JSON");
    if (code === "unsupported_media_type") {
      // The public pages' forms post form-encoded; everything else takes JSON.
      const expected = path.startsWith("/e/") ? "application/x-www-form-urlencoded" : "application/json";
      return new AppError(code, `send the body as ${expected}`);
    }
    if (code) return new AppError(code, error.message || code.replace(/_/g, " "));
  }
  const translated = translateDatabaseError(error);
  if (translated instanceof AppError) return translated;
  return new AppError("internal_error", "something went wrong on our side; the request id identifies it");
}

function describe(error: unknown) {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { value: String(error) };
}
