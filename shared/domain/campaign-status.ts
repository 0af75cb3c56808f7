/**
 * Campaign lifecycle (pure rules). People plan (draft ⇄ scheduled), pause, resume and cancel; the
 * execution engine starts, completes and fails runs. Every other move is refused with a reason.
 */
export const CAMPAIGN_STATUSES = [
  "draft",
  "scheduled",
  "running",
  "paused",
  "completed",
  "cancelled",
  "failed",
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const CAMPAIGN_OBJECTIVES = ["awareness", "lead_gen", "event", "investor", "early_adopters"] as const;
export type CampaignObjective = (typeof CAMPAIGN_OBJECTIVES)[number];

export const CHANNELS = ["email", "social", "landing_page", "event"] as const;
export type Channel = (typeof CHANNELS)[number];

export const ASSET_TYPES = ["email", "social_post", "landing_page", "event_invite"] as const;
export type AssetType = (typeof ASSET_TYPES)[number];

/** The asset each channel needs before a campaign can be scheduled. */
export const CHANNEL_ASSET: Record<Channel, AssetType> = {
  email: "email",
  social: "social_post",
  landing_page: "landing_page",
  event: "event_invite",
};

export type Actor = "user" | "system";

/** Allowed moves, and who may make them. */
const TRANSITIONS: Record<CampaignStatus, Partial<Record<CampaignStatus, Actor>>> = {
  draft: { scheduled: "user", cancelled: "user" },
  scheduled: { draft: "user", cancelled: "user", running: "system" },
  running: { paused: "user", cancelled: "user", completed: "system", failed: "system" },
  paused: { running: "user", cancelled: "user" },
  completed: {},
  cancelled: {},
  failed: {},
};

/** Statuses whose audience and content are fixed (what was or is being sent must stay explainable). */
const LOCKED: ReadonlySet<CampaignStatus> = new Set([
  "running",
  "paused",
  "completed",
  "cancelled",
  "failed",
]);

export function isLocked(status: CampaignStatus): boolean {
  return LOCKED.has(status);
}

/** What scheduling needs, gathered by the caller. */
export interface ScheduleReadiness {
  scheduledAt: Date | null;
  hasSegment: boolean;
  channels: readonly Channel[];
  assetTypes: readonly AssetType[];
  now: Date;
}

export type CampaignTransition = { ok: true } | { ok: false; reason: string };

export function decideCampaignTransition(
  from: CampaignStatus,
  to: CampaignStatus,
  actor: Actor,
  readiness?: ScheduleReadiness,
): CampaignTransition {
  if (from === to) return { ok: false, reason: `the campaign is already ${from}` };
  const allowed = TRANSITIONS[from][to];
  if (!allowed) return { ok: false, reason: `a ${from} campaign cannot become ${to}` };
  if (allowed === "system" && actor !== "system") {
    return { ok: false, reason: `a campaign becomes ${to} when it is executed, not by editing it` };
  }
  if (to === "scheduled") {
    if (!readiness)
      return { ok: false, reason: "scheduling needs the campaign's schedule, audience and assets" };
    const missing = schedulingGaps(readiness);
    if (missing.length > 0) return { ok: false, reason: `cannot schedule yet: ${missing.join("; ")}` };
  }
  return { ok: true };
}

/** Everything that still keeps a campaign from being scheduled (empty when it is ready). */
export function schedulingGaps(readiness: ScheduleReadiness): string[] {
  const gaps: string[] = [];
  if (!readiness.scheduledAt) gaps.push("set scheduled_at");
  else if (readiness.scheduledAt.getTime() <= readiness.now.getTime())
    gaps.push("scheduled_at must be in the future");
  if (!readiness.hasSegment) gaps.push("choose a segment (a saved one or an inline tree)");
  const missingAssets = readiness.channels
    .map((channel) => CHANNEL_ASSET[channel])
    .filter((type) => !readiness.assetTypes.includes(type));
  if (missingAssets.length > 0) gaps.push(`generate or write the ${missingAssets.join(", ")} asset(s)`);
  return gaps;
}

/** What executing a campaign now needs, gathered by the caller. */
export interface ExecutionReadiness {
  hasSegment: boolean;
  channels: readonly Channel[];
  assetTypes: readonly AssetType[];
  /** The brand's default sender address, needed to send email. */
  senderEmail: string | null;
}

/** Everything that keeps a campaign from running now (empty when it can). */
export function executionGaps(readiness: ExecutionReadiness): string[] {
  const gaps = schedulingGaps({ ...readiness, scheduledAt: null, now: new Date(0) }).filter(
    (gap) => gap !== "set scheduled_at",
  );
  if (readiness.channels.includes("email") && !readiness.senderEmail) {
    gaps.push("set default_sender_email in /api/settings (emails need a sender)");
  }
  return gaps;
}
