import { z } from "zod";

/** A record key as it appears in URLs and bodies (`contact:abc` → `"abc"`). */
export const RECORD_KEY_PATTERN = /^[A-Za-z0-9_]{1,64}$/;

export const RecordKeySchema = z
  .string()
  .regex(RECORD_KEY_PATTERN, "must be a record id (1-64 letters, digits or underscores)")
  .meta({ example: "k3x9q2m7w1z8c4v6b5n0" });

/**
 * ISO 8601 timestamp with a timezone (`Z` or an offset), in years 1900-2999 once converted to UTC (an
 * offset can push 9999-12-31 into year 10000, which no datetime column can hold).
 */
export const TimestampSchema = z.iso
  .datetime({
    offset: true,
    message: "must be an ISO 8601 date-time with a timezone, e.g. 2026-01-31T09:30:00Z",
  })
  .refine((value) => {
    const year = new Date(value).getUTCFullYear();
    // An unparseable value is already reported by the format check.
    return Number.isNaN(year) || (year >= 1900 && year <= 2999);
  }, "must be between the years 1900 and 2999")
  .meta({ example: "2026-11-25T09:30:00.000Z" });

export const IdParamSchema = z.object({
  id: z.string().meta({ param: { name: "id", in: "path" }, example: "k3x9q2m7w1z8c4v6b5n0" }),
});

export const LIST_LIMIT_DEFAULT = 50;
export const LIST_LIMIT_MAX = 200;

export const PaginationQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIST_LIMIT_MAX)
    .default(LIST_LIMIT_DEFAULT)
    .meta({ description: `Page size, 1-${LIST_LIMIT_MAX} (default ${LIST_LIMIT_DEFAULT}).` }),
  cursor: z
    .string()
    .max(1000)
    .optional()
    .meta({ description: "Opaque cursor from the previous page's `nextCursor`." }),
});

/** A repeatable query parameter: `?tag=a&tag=b` arrives as an array, `?tag=a` as a string. */
export function repeatable<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) => (value === undefined || Array.isArray(value) ? value : [value]),
    z.array(item).max(20),
  );
}

/** `{ data, nextCursor }`: every list response. `nextCursor` is null on the last page. */
export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      data: z.array(item),
      nextCursor: z
        .string()
        .nullable()
        .meta({ description: "Pass as `cursor` to get the next page; null when done." }),
    })
    .meta({ id: `${name}Page` });
}

/** Sort parameter: a field name, descending when prefixed with `-`. */
export function sortParam<const F extends readonly [string, ...string[]]>(
  fields: F,
  fallback: `${"" | "-"}${F[number]}`,
) {
  const values = fields.flatMap((field) => [field, `-${field}`]) as [string, ...string[]];
  return z
    .enum(values)
    .default(fallback)
    .meta({ description: `Sort field, prefix with \`-\` for descending. One of: ${fields.join(", ")}.` });
}

/** `search=`: a trimmed, case-insensitive substring over the fields named in the description. */
export function searchParam(over: string) {
  return z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: `Case-insensitive match anywhere in ${over}.` });
}
