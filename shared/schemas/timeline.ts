import { z } from "zod";
import {
  MANUAL_TIMELINE_TYPES,
  TIMELINE_TYPE_DESCRIPTIONS,
  TIMELINE_TYPES,
} from "../domain/timeline-types.ts";
import { PaginationQuerySchema, pageOf, RecordKeySchema, TimestampSchema } from "./common.ts";

const typeList = Object.entries(TIMELINE_TYPE_DESCRIPTIONS)
  .map(([type, description]) => `\`${type}\`: ${description}`)
  .join(" ");

export const TimelineTypeSchema = z.enum(TIMELINE_TYPES).meta({ id: "TimelineType", description: typeList });

export const ManualTimelineTypeSchema = z
  .enum(MANUAL_TIMELINE_TYPES)
  .meta({ id: "ManualTimelineType", description: "Types a person can log by hand." });

const METADATA_MAX_BYTES = 8192;

/** Keys that would become an object's prototype when assigned, silently losing the data. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Plain JSON only (objects, arrays, strings, booleans, null, and numbers the database can store
 * exactly: fractions, or integers within ±2^53), at most 10 levels deep, no prototype keys.
 */
function isJsonValue(value: unknown, depth = 0): boolean {
  if (depth > 10) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number")
    return Number.isFinite(value) && (!Number.isInteger(value) || Number.isSafeInteger(value));
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).every(
      ([key, item]) => !FORBIDDEN_KEYS.has(key) && isJsonValue(item, depth + 1),
    );
  }
  return false;
}

export const MetadataSchema = z
  // z.json() would say the same, but it is recursive and cannot be rendered in the OpenAPI document.
  .record(
    z
      .string()
      .max(100)
      .refine((key) => !FORBIDDEN_KEYS.has(key), "is a reserved key"),
    z.unknown(),
  )
  .refine(
    (value) => Object.values(value).every((item) => isJsonValue(item)),
    "values must be plain JSON (integers within ±2^53, no __proto__ keys)",
  )
  .refine((value) => Object.keys(value).length <= 50, "at most 50 keys")
  .refine(
    (value) => new TextEncoder().encode(JSON.stringify(value)).length <= METADATA_MAX_BYTES,
    `at most ${METADATA_MAX_BYTES} bytes of JSON`,
  )
  .meta({
    description: "Free-form JSON object (e.g. call duration, meeting link).",
    example: { duration_min: 25 },
  });

export const TimelineEntrySchema = z
  .object({
    id: RecordKeySchema,
    contact: RecordKeySchema,
    company: RecordKeySchema.nullable(),
    type: TimelineTypeSchema,
    content: z.string(),
    metadata: z.record(z.string(), z.unknown()),
    timestamp: TimestampSchema,
    created_at: TimestampSchema,
  })
  .meta({ id: "TimelineEntry" });

export const TimelineEntryCreateSchema = z
  .strictObject({
    contact: RecordKeySchema.meta({ description: "Id of the contact this entry is about." }),
    type: ManualTimelineTypeSchema,
    content: z
      .string()
      .max(10_000)
      .trim()
      .min(1)
      .meta({ example: "Intro call: interested in the Q3 pilot." }),
    metadata: MetadataSchema.default({}),
    timestamp: TimestampSchema.optional().meta({ description: "When it happened (default: now)." }),
  })
  .meta({ id: "TimelineEntryCreate" });

export const TimelineListQuerySchema = PaginationQuerySchema.extend({
  type: TimelineTypeSchema.optional(),
});

export const TimelinePageSchema = pageOf(TimelineEntrySchema, "TimelineEntry");

export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;
export type TimelineEntryCreate = z.infer<typeof TimelineEntryCreateSchema>;
export type TimelineListQuery = z.infer<typeof TimelineListQuerySchema>;
export type TimelinePage = z.infer<typeof TimelinePageSchema>;
