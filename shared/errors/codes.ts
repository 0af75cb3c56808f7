/**
 * The one list of error codes. Each code has exactly one HTTP status and a description that becomes
 * the documented error response in the OpenAPI document.
 */
export const ERROR_CODES = {
  bad_json: { status: 400, description: "The request body is not valid JSON." },
  unauthorized: { status: 401, description: "Missing, invalid, expired or revoked credentials." },
  forbidden: { status: 403, description: "The credentials do not allow this operation." },
  not_found: { status: 404, description: "No resource with this id (or no such route)." },
  method_not_allowed: { status: 405, description: "The route exists but not for this method." },
  duplicate: { status: 409, description: "A unique value (such as an email or domain) is already taken." },
  conflict: {
    status: 409,
    description: "The change conflicts with the resource's state (e.g. a refused status change).",
  },
  payload_too_large: { status: 413, description: "The request body is too large." },
  unsupported_media_type: { status: 415, description: "The request body must be application/json." },
  validation_failed: {
    status: 422,
    description: "A field is missing or invalid; `details` names each field.",
  },
  rate_limited: { status: 429, description: "Too many requests; retry after the `Retry-After` seconds." },
  internal_error: { status: 500, description: "An unexpected error; the request id helps find it in logs." },
  configuration_error: { status: 500, description: "The Worker's configuration is missing or invalid." },
  database_unavailable: { status: 503, description: "The database cannot be reached; retry later." },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ErrorStatus = (typeof ERROR_CODES)[ErrorCode]["status"];

export function statusOf(code: ErrorCode): ErrorStatus {
  return ERROR_CODES[code].status;
}
