import { type AssetType, CAMPAIGN_STATUSES, isLocked } from "../../domain/campaign-status.ts";
import { AppError } from "../../errors/index.ts";
import type { AssetMetadata } from "../../schemas/assets.ts";
import { type CampaignAsset, CampaignAssetSchema } from "../../schemas/campaign-asset.ts";
import type { DbClient } from "../client.ts";
import { isThrown, THROWN } from "../errors.ts";
import { recordId } from "../record-id.ts";
import { TableRepository } from "./table.repository.ts";
import { returned } from "./transaction.ts";

/** Statuses whose content is frozen, checked again inside each write (generation can take a while). */
const LOCKED_STATUSES = CAMPAIGN_STATUSES.filter(isLocked);

/** Refuses the write if the campaign's content froze since the request began. */
const STILL_EDITABLE = `IF (SELECT VALUE status FROM ONLY $campaign) INSIDE $locked { THROW '${THROWN.campaignLocked}' };`;

function lockedError(error: unknown): unknown {
  return isThrown(error, THROWN.campaignLocked)
    ? new AppError(
        "conflict",
        "the campaign left draft/scheduled while this was being written; its content is frozen",
        {
          field: "status",
        },
      )
    : error;
}

/** A campaign's assets: at most one per type, replaced when regenerated, marked when edited by a person. */
export class AssetRepository {
  readonly rows: TableRepository<typeof CampaignAssetSchema>;

  constructor(db: DbClient) {
    this.rows = new TableRepository(db, {
      table: "campaign_asset",
      schema: CampaignAssetSchema,
      sortFields: ["created_at"],
      dateFields: ["created_at"],
      writable: ["content", "metadata", "edited", "url"],
    });
  }

  /** Sets where an asset is published (a running campaign's landing page). */
  async setUrl(assetKey: string, url: string): Promise<void> {
    await this.rows.db.query("UPDATE $id SET url = $url, updated_at = time::floor(time::now(), 1ms)", {
      id: this.rows.requireId(assetKey),
      url,
    });
  }

  async listForCampaign(campaignKey: string): Promise<CampaignAsset[]> {
    const [rows] = await this.rows.db.query<[unknown[]]>(
      "SELECT * FROM campaign_asset WHERE campaign = $campaign ORDER BY type",
      { campaign: recordId("campaign", campaignKey) },
    );
    return rows.map(this.rows.toEntity);
  }

  /** The asset, if it belongs to that campaign (an asset id under another campaign is not found). */
  async requireInCampaign(campaignKey: string, assetKey: string): Promise<CampaignAsset> {
    const asset = await this.rows.get(assetKey);
    if (!asset || asset.campaign !== campaignKey) throw AppError.notFound("asset", assetKey);
    return asset;
  }

  /** Stores freshly generated content for a type, replacing the previous draft (and its edits). */
  async store(
    campaignKey: string,
    type: AssetType,
    content: unknown,
    metadata: AssetMetadata,
  ): Promise<CampaignAsset> {
    const campaign = recordId("campaign", campaignKey);
    const results = await this.rows.db
      .query(
        `BEGIN TRANSACTION;
       ${STILL_EDITABLE}
       LET $existing = (SELECT VALUE id FROM campaign_asset WHERE campaign = $campaign AND type = $type LIMIT 1)[0];
       LET $saved = IF $existing = NONE {
         (CREATE ONLY campaign_asset CONTENT { campaign: $campaign, type: $type, content: $content, metadata: $metadata })
       } ELSE {
         (UPDATE ONLY $existing SET content = $content, metadata = $metadata, edited = false,
            updated_at = time::floor(time::now(), 1ms) RETURN AFTER)
       };
       RETURN $saved;
       COMMIT TRANSACTION;`,
        { campaign, type, content, metadata, locked: LOCKED_STATUSES },
      )
      .catch((error: unknown) => {
        throw lockedError(error);
      });
    return this.rows.toEntity(returned(results));
  }

  /** Saves a person's edit of the content (already validated and derived for its type). */
  async saveEdit(campaignKey: string, assetKey: string, content: unknown): Promise<CampaignAsset> {
    const results = await this.rows.db
      .query(
        `BEGIN TRANSACTION;
         ${STILL_EDITABLE}
         LET $saved = (UPDATE ONLY $id SET content = $content, edited = true,
           updated_at = time::floor(time::now(), 1ms) WHERE campaign = $campaign RETURN AFTER);
         RETURN $saved;
         COMMIT TRANSACTION;`,
        {
          id: this.rows.requireId(assetKey),
          campaign: recordId("campaign", campaignKey),
          content,
          locked: LOCKED_STATUSES,
        },
      )
      .catch((error: unknown) => {
        throw lockedError(error);
      });
    const saved = returned(results);
    if (!saved) throw AppError.notFound("asset", assetKey);
    return this.rows.toEntity(saved);
  }
}
