import { AppError, DatabaseUnavailableError } from "../errors/index.ts";

/**
 * Errors the database raises that mean something to a client. Transactions `THROW` one of these
 * markers when a precondition fails, so the check and the write are one atomic step.
 */
export const THROWN = {
  companyNotFound: "company_not_found",
  contactNotFound: "contact_not_found",
  staleStatus: "stale_status",
  recordNotFound: "record_not_found",
  lastAdmin: "last_admin",
  segmentNotFound: "segment_not_found",
  eventNotFound: "event_not_found",
  segmentInUse: "segment_in_use",
  notDraft: "not_draft",
  campaignLocked: "campaign_locked",
  notClaimable: "not_claimable",
  campaignNotFound: "campaign_not_found",
} as const;

/** Unique indexes and the field each protects (also the allow-list for naming them in errors). */
const UNIQUE_INDEX_FIELDS: Record<string, string> = {
  contact_email: "email",
  company_domain: "domain",
  app_user_email: "email",
  // Two generations of the same asset type racing: the loser is told, nothing is half-written.
  campaign_asset_type: "type",
  landing_page_slug: "slug",
};

const CONNECTION_ERRORS = new Set([
  "ConnectionUnavailableError",
  "UnexpectedConnectionError",
  "ReconnectExhaustionError",
  "ReconnectIterationError",
  "HttpConnectionError",
]);

export function isThrown(error: unknown, marker: string): boolean {
  return (
    error instanceof Error && (error as { kind?: string }).kind === "Thrown" && error.message.includes(marker)
  );
}

/** Maps SDK and server errors to application errors; returns the input when it has no meaning for clients. */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  // The SDK's encoding errors (e.g. an integer beyond 2^53) are not Error instances, and Hono only
  // routes Error instances to the error handler: wrap them so they still become the envelope.
  if (!(error instanceof Error)) {
    const name = (error as { name?: unknown } | null)?.name;
    return new Error(
      `database client error${typeof name === "string" ? ` (${name})` : ""}: ${String(error)}`,
    );
  }
  if (CONNECTION_ERRORS.has(error.name) || CONNECTION_ERRORS.has(error.constructor.name)) {
    return new DatabaseUnavailableError(undefined, error);
  }
  const unique = /Database index `([A-Za-z0-9_]+)` already contains/.exec(error.message);
  const field = unique?.[1] ? UNIQUE_INDEX_FIELDS[unique[1]] : undefined;
  if (field) {
    return new AppError("duplicate", `${field} is already in use`, [{ field, message: "is already in use" }]);
  }
  return error;
}
