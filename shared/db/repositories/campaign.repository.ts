import {
  type AssetType,
  type CampaignStatus,
  decideCampaignTransition,
  isLocked,
  schedulingGaps,
} from "../../domain/campaign-status.ts";
import { AppError } from "../../errors/index.ts";
import {
  type Campaign,
  type CampaignCreate,
  type CampaignListQuery,
  type CampaignPatch,
  CampaignSchema,
} from "../../schemas/campaign.ts";
import type { DbClient } from "../client.ts";
import { isThrown, THROWN } from "../errors.ts";
import { recordId } from "../record-id.ts";
import { type Page, TableRepository, Where } from "./table.repository.ts";
import { returned } from "./transaction.ts";

/** Fields that make up what a campaign sends and to whom: frozen once it starts running. */
const CONTENT_FIELDS = ["objective", "channels", "prompt", "segment", "segment_tree", "event"] as const;

export class CampaignRepository {
  readonly rows: TableRepository<typeof CampaignSchema>;

  constructor(db: DbClient) {
    this.rows = new TableRepository(db, {
      table: "campaign",
      schema: CampaignSchema,
      sortFields: ["created_at", "name", "scheduled_at"],
      dateFields: ["created_at", "scheduled_at"],
      writable: [
        "name",
        "objective",
        "status",
        "channels",
        "prompt",
        "segment",
        "segment_tree",
        "event",
        "scheduled_at",
      ],
    });
  }

  require(key: string) {
    return this.rows.require(key);
  }

  list(query: CampaignListQuery): Promise<Page<Campaign>> {
    const filters = new Where()
      .when(
        query.search,
        "string::contains(string::lowercase(name), $search)",
        "search",
        query.search?.toLowerCase(),
      )
      .when(query.status, "status = $status", "status")
      .when(query.objective, "objective = $objective", "objective")
      .when(query.channel, "channels CONTAINS $channel", "channel");
    return this.rows.list(query, filters);
  }

  /** A new campaign is always a draft; its saved segment and event (if any) must exist. */
  async create(input: CampaignCreate): Promise<Campaign> {
    const data = this.rows.writableOnly({
      ...input,
      status: "draft",
      segment: input.segment ? recordId("segment", input.segment) : undefined,
      event: input.event ? recordId("event", input.event) : undefined,
      scheduled_at: input.scheduled_at ? new Date(input.scheduled_at) : undefined,
    });
    try {
      const results = await this.rows.db.query(
        `BEGIN TRANSACTION;
         ${REFERENCE_CHECKS}
         LET $created = (CREATE ONLY campaign CONTENT $data);
         RETURN $created;
         COMMIT TRANSACTION;`,
        { data, segment: data.segment, event: data.event },
      );
      return this.rows.toEntity(returned(results));
    } catch (error) {
      throw referenceError(error);
    }
  }

  /**
   * Applies a partial update. A status change follows the campaign status machine (scheduling checks
   * the schedule, the audience and the assets); the audience and content of a running, paused or
   * finished campaign are frozen. The write only applies if the status is still the one the decision
   * was made on.
   */
  async update(key: string, patch: CampaignPatch): Promise<Campaign> {
    const id = this.rows.requireId(key);
    const current = await this.rows.require(key);
    const frozen = CONTENT_FIELDS.filter((field) => field in patch);
    if (isLocked(current.status) && frozen.length > 0) {
      throw new AppError("conflict", `a ${current.status} campaign's ${frozen.join(", ")} cannot change`, {
        field: frozen[0],
        status: current.status,
      });
    }
    const next = { ...current, ...patch };
    const readiness = async () => ({
      scheduledAt: next.scheduled_at ? new Date(next.scheduled_at) : null,
      hasSegment: Boolean(next.segment ?? next.segment_tree),
      channels: next.channels,
      assetTypes: await this.assetTypes(key),
      now: new Date(),
    });
    if (patch.status && patch.status !== current.status) {
      const decision = decideCampaignTransition(current.status, patch.status, "user", await readiness());
      if (!decision.ok)
        throw new AppError("conflict", decision.reason, { field: "status", from: current.status });
    } else if (current.status === "scheduled") {
      // Staying scheduled: an edit may not take away what scheduling required (a schedule in the
      // future, an audience, an asset per channel). Unschedule (status draft) to rework it freely.
      const gaps = schedulingGaps(await readiness());
      if (gaps.length > 0) {
        throw new AppError("conflict", `a scheduled campaign must stay ready: ${gaps.join("; ")}`, {
          field: Object.keys(patch).find((field) => field !== "status") ?? "status",
          status: current.status,
        });
      }
    }
    const { clause, vars } = this.rows.setClause({
      ...patch,
      ...("segment" in patch ? { segment: patch.segment ? recordId("segment", patch.segment) : null } : {}),
      ...("event" in patch ? { event: patch.event ? recordId("event", patch.event) : null } : {}),
      ...("scheduled_at" in patch
        ? { scheduled_at: patch.scheduled_at ? new Date(patch.scheduled_at) : null }
        : {}),
      // An inline tree and a saved segment are alternatives: setting one clears the other.
      ...(patch.segment ? { segment_tree: null } : {}),
      ...(patch.segment_tree ? { segment: null } : {}),
    });
    try {
      const results = await this.rows.db.query(
        `BEGIN TRANSACTION;
         ${REFERENCE_CHECKS}
         LET $updated = (UPDATE ONLY $id SET ${clause} WHERE status = $expected_status RETURN AFTER);
         IF $updated = NONE { THROW '${THROWN.staleStatus}' };
         RETURN $updated;
         COMMIT TRANSACTION;`,
        { ...vars, id, segment: vars.set_segment, event: vars.set_event, expected_status: current.status },
      );
      return this.rows.toEntity(returned(results));
    } catch (error) {
      if (isThrown(error, THROWN.staleStatus)) {
        throw new AppError("conflict", "the campaign changed while this update was made; reload and retry", {
          field: "status",
        });
      }
      throw referenceError(error);
    }
  }

  /** Only drafts can be deleted (with their assets); anything else has history worth keeping. */
  async remove(key: string): Promise<boolean> {
    const current = await this.rows.get(key);
    if (!current) return false;
    const notDraft = (status: string) =>
      new AppError(
        "conflict",
        ["scheduled", "running", "paused"].includes(status)
          ? `only draft campaigns can be deleted; cancel a ${status} one instead`
          : `only draft campaigns can be deleted; a ${status} campaign is kept as history`,
        { field: "status" },
      );
    if (current.status !== "draft") throw notDraft(current.status);
    try {
      // Checked again inside the transaction: it may have been scheduled since it was read.
      return await this.rows.remove(
        key,
        `IF $before[0].status != 'draft' { THROW '${THROWN.notDraft}' };
         DELETE campaign_asset WHERE campaign = $id;`,
      );
    } catch (error) {
      if (isThrown(error, THROWN.notDraft)) throw notDraft("non-draft");
      throw error;
    }
  }

  /** Which asset types the campaign has. */
  async assetTypes(key: string): Promise<AssetType[]> {
    const [types] = await this.rows.db.query<[AssetType[]]>(
      "SELECT VALUE type FROM campaign_asset WHERE campaign = $id",
      { id: this.rows.requireId(key) },
    );
    return types;
  }

  /** Refuses changes to a campaign whose content is frozen (assets are content too). */
  async requireEditable(key: string): Promise<Campaign> {
    const campaign = await this.rows.require(key);
    if (isLocked(campaign.status)) {
      throw new AppError("conflict", `a ${campaign.status} campaign's content cannot change`, {
        field: "status",
        status: campaign.status satisfies CampaignStatus,
      });
    }
    return campaign;
  }
}

/** Inside a transaction: a referenced saved segment or event must exist. */
const REFERENCE_CHECKS = `
  IF $segment != NONE AND !record::exists($segment) { THROW '${THROWN.segmentNotFound}' };
  IF $event != NONE AND !record::exists($event) { THROW '${THROWN.eventNotFound}' };`;

function referenceError(error: unknown): unknown {
  if (isThrown(error, THROWN.segmentNotFound))
    return AppError.invalidField("segment", "no segment with this id exists");
  if (isThrown(error, THROWN.eventNotFound))
    return AppError.invalidField("event", "no event with this id exists");
  return error;
}
