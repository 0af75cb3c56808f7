import { DateTime, Decimal, RecordId } from "surrealdb";
import type { z } from "zod";

/**
 * Turns a database row into the API shape described by a zod object schema: record ids become their
 * keys, datetimes ISO strings, absent optional fields null. The schema then checks the result, so a
 * row that drifted from the contract fails loudly instead of leaking to clients.
 */
export function rowMapper<S extends z.ZodObject>(
  schema: S,
  derive?: (row: Record<string, unknown>) => Record<string, unknown>,
) {
  const keys = Object.keys(schema.shape);
  return (row: unknown): z.infer<S> => {
    const source = row as Record<string, unknown>;
    const shaped: Record<string, unknown> = {};
    for (const key of keys) shaped[key] = toPlain(source[key]) ?? null;
    Object.assign(shaped, derive?.(shaped));
    return schema.parse(shaped);
  };
}

export function toPlain(value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (value instanceof RecordId) return String(value.id);
  if (value instanceof DateTime) return value.toDate().toISOString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Decimal) return Number(value.toString());
  if (Array.isArray(value)) return value.map((item) => toPlain(item) ?? null);
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      // A stored null (say, "no fallback happened") stays null; only NONE (absent) drops the key.
      const plain = inner === null ? null : toPlain(inner);
      if (plain !== undefined) out[key] = plain;
    }
    return out;
  }
  return value;
}
