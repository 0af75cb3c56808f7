import { type ErrorCode, statusOf } from "./codes.ts";

/** One problem with one field of the input; `field` is a dotted path such as `tags.3` or `segment.and.0.op`. */
export interface FieldIssue {
  field: string;
  message: string;
}

/**
 * The only error type handlers, services and repositories throw on purpose. The app factory turns it
 * into the error envelope; anything else becomes an `internal_error` without leaking details.
 */
export class AppError extends Error {
  override name = "AppError";
  readonly code: ErrorCode;
  readonly details: FieldIssue[] | Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: FieldIssue[] | Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }

  get status() {
    return statusOf(this.code);
  }

  static notFound(resource: string, id?: string) {
    return new AppError("not_found", id ? `${resource} ${id} was not found` : `${resource} was not found`);
  }

  static validation(issues: FieldIssue[]) {
    const summary = issues
      .slice(0, 3)
      .map((issue) => (issue.field ? `${issue.field}: ${issue.message}` : issue.message))
      .join("; ");
    return new AppError("validation_failed", summary || "invalid input", issues);
  }

  static invalidField(field: string, message: string) {
    return AppError.validation([{ field, message }]);
  }
}

/** The database could not be reached or did not answer in time. */
export class DatabaseUnavailableError extends AppError {
  override name = "DatabaseUnavailableError";
  constructor(message = "the database is unavailable; please retry shortly", cause?: unknown) {
    super("database_unavailable", message);
    if (cause !== undefined) this.cause = cause;
  }
}
