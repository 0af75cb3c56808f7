import { z } from "zod";
import { ASSET_TYPES } from "../domain/campaign-status.ts";
import { AssetContentSchema, AssetMetadataSchema, TimelineSummarySchema } from "./assets.ts";
import { RecordKeySchema, TimestampSchema } from "./common.ts";

export const AssetTypeSchema = z.enum(ASSET_TYPES).meta({
  id: "AssetType",
  description:
    "email (channel email), social_post (social), landing_page (landing_page), event_invite (event).",
});

export const CampaignAssetSchema = z
  .object({
    id: RecordKeySchema,
    campaign: RecordKeySchema,
    type: AssetTypeSchema,
    content: AssetContentSchema,
    metadata: AssetMetadataSchema,
    edited: z.boolean().meta({ description: "True once a person saved an edit; regenerating resets it." }),
    url: z.string().nullable().meta({ description: "Where the asset is published (landing pages, later)." }),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .meta({ id: "CampaignAsset" });

const GenerationPromptSchema = z.string().max(2000).trim().min(1).meta({
  description: "An extra instruction for this generation (treated as data, not as instructions to obey).",
});

export const AssetGenerateSchema = z
  .strictObject({
    types: z
      .array(AssetTypeSchema)
      .min(1)
      .max(8)
      .overwrite((types) => [...new Set(types)])
      .optional()
      .meta({ description: "Which assets to draft (default: one per channel of the campaign)." }),
    prompt: GenerationPromptSchema.optional(),
  })
  .meta({ id: "AssetGenerate" });

export const AssetRegenerateSchema = z.strictObject({ prompt: GenerationPromptSchema.optional() }).meta({
  id: "AssetRegenerate",
});

export const AssetEditSchema = z
  .strictObject({
    content: z.record(z.string(), z.unknown()).meta({
      description:
        "The asset's editable fields, checked against its type's schema (derived fields are recomputed).",
    }),
  })
  .meta({ id: "AssetEdit" });

export const AssetListSchema = z
  .object({ data: z.array(CampaignAssetSchema) })
  .meta({ id: "CampaignAssetList" });

export const AssetPreviewQuerySchema = z.object({
  contact: RecordKeySchema.meta({ description: "Whose merge tags to fill in." }),
});

export const AssetPreviewSchema = z
  .object({
    asset: RecordKeySchema,
    type: AssetTypeSchema,
    contact: RecordKeySchema,
    content: AssetContentSchema,
    unknown_tags: z
      .array(z.string())
      .meta({ description: "Merge tags that are not supported (left as written)." }),
  })
  .meta({ id: "AssetPreview" });

export const ContactSummarySchema = z
  .object({
    contact: RecordKeySchema,
    summary: TimelineSummarySchema,
    metadata: AssetMetadataSchema,
  })
  .meta({ id: "ContactSummary" });

export type CampaignAsset = z.infer<typeof CampaignAssetSchema>;
export type AssetGenerate = z.infer<typeof AssetGenerateSchema>;
export type AssetPreview = z.infer<typeof AssetPreviewSchema>;
