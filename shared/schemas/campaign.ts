import { z } from "zod";
import { CAMPAIGN_OBJECTIVES, CAMPAIGN_STATUSES, CHANNELS } from "../domain/campaign-status.ts";
import {
  PaginationQuerySchema,
  pageOf,
  RecordKeySchema,
  searchParam,
  sortParam,
  TimestampSchema,
} from "./common.ts";
import { ShortTextSchema } from "./fields.ts";
import { SegmentTreeSchema } from "./segment-tree.ts";

export const CampaignStatusSchema = z.enum(CAMPAIGN_STATUSES).meta({
  id: "CampaignStatus",
  description:
    "draft → scheduled (needs scheduled_at in the future, a segment, and an asset per channel) → running → " +
    "completed; running ⇄ paused; cancelled from any open state. running/completed/failed are set by execution.",
});
export const CampaignObjectiveSchema = z.enum(CAMPAIGN_OBJECTIVES).meta({ id: "CampaignObjective" });
export const ChannelSchema = z.enum(CHANNELS).meta({ id: "Channel" });

const ChannelsSchema = z
  .array(ChannelSchema)
  .min(1)
  .max(CHANNELS.length * 2)
  .overwrite((channels) => [...new Set(channels)]);

export const CampaignSchema = z
  .object({
    id: RecordKeySchema,
    name: z.string(),
    objective: CampaignObjectiveSchema,
    status: CampaignStatusSchema,
    channels: z.array(ChannelSchema),
    prompt: z.string().nullable(),
    segment: RecordKeySchema.nullable().meta({ description: "A saved segment's id (or use segment_tree)." }),
    segment_tree: SegmentTreeSchema.nullable().meta({ description: "An inline audience (or use segment)." }),
    event: RecordKeySchema.nullable().meta({ description: "The event an event campaign invites to." }),
    scheduled_at: TimestampSchema.nullable(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .meta({ id: "Campaign" });

const PromptSchema = z
  .string()
  .max(4000)
  .trim()
  .meta({ description: "What the campaign is about, in your words; guides the drafted content." });

export const CampaignCreateSchema = z
  .strictObject({
    name: ShortTextSchema(200),
    objective: CampaignObjectiveSchema,
    channels: ChannelsSchema,
    prompt: PromptSchema.optional(),
    segment: RecordKeySchema.optional(),
    segment_tree: SegmentTreeSchema.optional(),
    event: RecordKeySchema.optional(),
    scheduled_at: TimestampSchema.optional(),
  })
  .refine((campaign) => !(campaign.segment && campaign.segment_tree), {
    message: "give either segment or segment_tree, not both",
    path: ["segment_tree"],
  })
  .meta({ id: "CampaignCreate" });

export const CampaignPatchSchema = z
  .strictObject({
    name: ShortTextSchema(200).optional(),
    objective: CampaignObjectiveSchema.optional(),
    channels: ChannelsSchema.optional(),
    prompt: PromptSchema.nullable().optional(),
    segment: RecordKeySchema.nullable().optional(),
    segment_tree: SegmentTreeSchema.nullable().optional(),
    event: RecordKeySchema.nullable().optional(),
    scheduled_at: TimestampSchema.nullable().optional(),
    status: CampaignStatusSchema.optional().meta({
      description: "Move the campaign: scheduled, draft (unschedule), paused, running (resume) or cancelled.",
    }),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: "send at least one field to change" })
  .refine((patch) => !(patch.segment && patch.segment_tree), {
    message: "give either segment or segment_tree, not both",
    path: ["segment_tree"],
  })
  .meta({ id: "CampaignPatch" });

export const CampaignListQuerySchema = PaginationQuerySchema.extend({
  search: searchParam("the campaign name"),
  status: CampaignStatusSchema.optional(),
  objective: CampaignObjectiveSchema.optional(),
  channel: ChannelSchema.optional(),
  sort: sortParam(["created_at", "name", "scheduled_at"] as const, "-created_at"),
});

export const CampaignPageSchema = pageOf(CampaignSchema, "Campaign");

export type Campaign = z.infer<typeof CampaignSchema>;
export type CampaignCreate = z.infer<typeof CampaignCreateSchema>;
export type CampaignPatch = z.infer<typeof CampaignPatchSchema>;
export type CampaignListQuery = z.infer<typeof CampaignListQuerySchema>;
