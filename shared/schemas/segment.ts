import { z } from "zod";
import {
  PaginationQuerySchema,
  pageOf,
  RecordKeySchema,
  searchParam,
  sortParam,
  TimestampSchema,
} from "./common.ts";
import { ContactSchema } from "./contact.ts";
import { ShortTextSchema } from "./fields.ts";
import { SegmentTreeSchema } from "./segment-tree.ts";

/** A saved audience: a named segment tree. */
export const SegmentSchema = z
  .object({
    id: RecordKeySchema,
    name: z.string(),
    description: z.string().nullable(),
    tree: SegmentTreeSchema,
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .meta({ id: "Segment" });

const DescriptionSchema = z.string().max(1000).trim();

export const SegmentCreateSchema = z
  .strictObject({
    name: ShortTextSchema(100),
    description: DescriptionSchema.optional(),
    tree: SegmentTreeSchema,
  })
  .meta({ id: "SegmentCreate" });

export const SegmentPatchSchema = z
  .strictObject({
    name: ShortTextSchema(100).optional(),
    description: DescriptionSchema.nullable().optional(),
    tree: SegmentTreeSchema.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: "send at least one field to change" })
  .meta({ id: "SegmentPatch" });

export const SegmentListQuerySchema = PaginationQuerySchema.extend({
  search: searchParam("the segment name"),
  sort: sortParam(["created_at", "name"] as const, "name"),
});

export const SEGMENT_SAMPLE_SIZE = 20;

export const SegmentPreviewRequestSchema = z
  .strictObject({
    tree: SegmentTreeSchema.optional().meta({ description: "A tree to try out…" }),
    segment: RecordKeySchema.optional().meta({ description: "…or a saved segment's id." }),
  })
  .refine((body) => Boolean(body.tree) !== Boolean(body.segment), {
    message: "give either tree or segment",
    path: ["tree"],
  })
  .meta({ id: "SegmentPreviewRequest" });

export const SegmentPreviewSchema = z
  .object({
    count: z.number().int().min(0).meta({ description: "How many contacts match now." }),
    sample: z
      .array(ContactSchema)
      .meta({ description: `The newest ${SEGMENT_SAMPLE_SIZE} matching contacts.` }),
  })
  .meta({ id: "SegmentPreview" });

export const SegmentPageSchema = pageOf(SegmentSchema, "Segment");

export type Segment = z.infer<typeof SegmentSchema>;
export type SegmentCreate = z.infer<typeof SegmentCreateSchema>;
export type SegmentPatch = z.infer<typeof SegmentPatchSchema>;
export type SegmentListQuery = z.infer<typeof SegmentListQuerySchema>;
export type SegmentPreview = z.infer<typeof SegmentPreviewSchema>;
