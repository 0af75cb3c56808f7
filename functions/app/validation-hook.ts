import { AppError, type FieldIssue } from "@crm/shared/errors";
import type { z } from "zod";

/** Fields the server owns: naming them in a body is refused with a message that says so. */
const SERVER_OWNED = new Set([
  "id",
  "engagement_score",
  "engagement_level",
  "contact_count",
  "created_at",
  "updated_at",
]);

/** Turns zod issues into field-named issues; unknown keys become one issue per key. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        issues.push({
          field: [...path, key].join("."),
          message: SERVER_OWNED.has(key)
            ? "is set by the server and cannot be written"
            : "is not a known field",
        });
      }
      continue;
    }
    // zod 4 leaves the input out of issues; its message says what it received.
    const missing = issue.code === "invalid_type" && / received undefined$/.test(issue.message);
    issues.push({ field: path.join("."), message: missing ? "is required" : issue.message });
  }
  return issues;
}

/** zod-openapi's default hook: every invalid body, query or path becomes a 422 naming its fields. */
export function validationHook(result: { success: true } | { success: false; error: z.ZodError }) {
  if (!result.success) throw AppError.validation(fieldIssues(result.error));
}
