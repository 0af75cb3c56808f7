import { AppError, type FieldIssue } from "@crm/shared/errors";
import type { MiddlewareHandler } from "hono";

/**
 * JSON keys that become an object's prototype when assigned. Schema validation drops them silently
 * (so the client's data would vanish without an error); every JSON body is checked for them first.
 */
const RESERVED = new Set(["__proto__", "constructor", "prototype"]);
const MAX_DEPTH = 32;

export function reservedKeyIssues(
  value: unknown,
  path: string[] = [],
  issues: FieldIssue[] = [],
): FieldIssue[] {
  if (path.length > MAX_DEPTH || value === null || typeof value !== "object") return issues;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      reservedKeyIssues(item, [...path, String(index)], issues);
    });
    return issues;
  }
  for (const key of Object.keys(value)) {
    if (RESERVED.has(key)) issues.push({ field: [...path, key].join("."), message: "is a reserved key" });
    else reservedKeyIssues((value as Record<string, unknown>)[key], [...path, key], issues);
  }
  return issues;
}

/** Refuses (422) a JSON body with a reserved key anywhere; malformed JSON is left to the validators (400). */
export const refuseReservedKeys: MiddlewareHandler = async (c, next) => {
  const type = c.req.header("content-type") ?? "";
  if (c.req.method !== "GET" && c.req.method !== "HEAD" && /^application\/([\w.-]+\+)?json/i.test(type)) {
    const body = await c.req.json().catch(() => undefined);
    const issues = reservedKeyIssues(body);
    if (issues.length > 0) throw AppError.validation(issues);
  }
  await next();
};
