import {
  startDueCampaigns,
  sweepInvitations,
  sweepOpenRuns,
  sweepOptIns,
  sweepWebhooks,
} from "@crm/shared/delivery";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { loadConfig, type WorkerBindings } from "./env.ts";
import type { AppEnv } from "./factory.ts";
import { handleQueue, type QueueBatch } from "./queue.ts";
import { RequestServices } from "./services.ts";

/** Scores older than this are refreshed (a score loses about 2% a day, so twice a day is plenty). */
const STALE_AFTER_MS = 12 * 3_600_000;
const BATCH = 100;
/** Leave room inside the Worker's limits; what is left over is picked up by the next run. */
const TIME_BUDGET_MS = 20_000;
/**
 * wrangler.toml `[triggers] crons`: campaigns every minute; the score refresh and the analytics
 * counters' fold every 15 minutes.
 */
export const CAMPAIGN_CRON = "* * * * *";
export const ENGAGEMENT_CRON = "*/15 * * * *";

/**
 * The cron trigger's work: refresh engagement scores that time has decayed (PRODUCT.md: recompute
 * when a timeline entry is written, and periodically). Idempotent, so overlapping runs are harmless.
 */
export async function refreshEngagement(scheduledTime: number, env: WorkerBindings): Promise<number> {
  const services = new RequestServices(loadConfig(env));
  const started = Date.now();
  let refreshed = 0;
  try {
    const { contacts } = await services.repositories();
    const before = new Date(scheduledTime - STALE_AFTER_MS);
    const skip = new Set<string>();
    while (Date.now() - started < TIME_BUDGET_MS) {
      const count = await contacts.refreshDecayedScores({ before, limit: BATCH, skip });
      refreshed += count;
      if (count < BATCH) break;
    }
    console.log(JSON.stringify({ job: "engagement_refresh", refreshed, ms: Date.now() - started }));
    return refreshed;
  } finally {
    await services.close();
  }
}

/** Analytics counter shards folded per run (a shard row costs a read and a delete). */
const FOLD_BATCH = 2_000;

/**
 * Every 15 minutes: fold the analytics counters' shard rows (all but today's) into one row per key,
 * so reads stay small however long the history. Idempotent and safe under concurrent writers.
 */
export async function foldAnalytics(scheduledTime: number, env: WorkerBindings): Promise<number> {
  const services = new RequestServices(loadConfig(env));
  const started = Date.now();
  let folded = 0;
  try {
    const { analytics } = await services.repositories();
    while (Date.now() - started < TIME_BUDGET_MS) {
      const count = await analytics.fold(new Date(scheduledTime), FOLD_BATCH);
      folded += count;
      if (count < FOLD_BATCH) break;
    }
    console.log(JSON.stringify({ job: "analytics_fold", folded, ms: Date.now() - started }));
    return folded;
  } finally {
    await services.close();
  }
}

/**
 * Every minute: start the scheduled campaigns that are due (each claimed exactly once, however many
 * invocations overlap) and sweep open runs for work whose queue message was lost.
 */
export async function runCampaigns(scheduledTime: number, env: WorkerBindings): Promise<string[]> {
  const services = new RequestServices(loadConfig(env), env);
  try {
    const repos = await services.repositories();
    const now = new Date(scheduledTime);
    const started = await startDueCampaigns(repos, services.queue(), now);
    const requeued = await sweepOpenRuns(repos, services.queue(), now);
    const webhooks = await sweepWebhooks(repos, services.queue(), now);
    const invitations = await sweepInvitations(repos, services.queue(), now);
    const optIns = await sweepOptIns(repos, services.queue(), now);
    console.log(JSON.stringify({ job: "campaigns", started, requeued, webhooks, invitations, optIns }));
    return started;
  } finally {
    await services.close();
  }
}

/**
 * A Worker's exports: the app's fetch, the scheduled jobs and the delivery queue's consumer.
 * (Structural types for the platform's arguments keep this module type-checkable outside the
 * Workers type universe too.)
 */
export function toWorker(app: OpenAPIHono<AppEnv>) {
  return {
    fetch: app.fetch,
    scheduled(
      controller: { scheduledTime: number; cron?: string },
      env: WorkerBindings,
      ctx: { waitUntil(promise: Promise<unknown>): void },
    ) {
      // Each cron fires on its own (both at :00, :15, …), so each does only its own job.
      if (controller.cron === ENGAGEMENT_CRON) {
        ctx.waitUntil(refreshEngagement(controller.scheduledTime, env));
        ctx.waitUntil(foldAnalytics(controller.scheduledTime, env));
      } else ctx.waitUntil(runCampaigns(controller.scheduledTime, env));
    },
    queue(batch: QueueBatch, env: WorkerBindings): Promise<void> {
      return handleQueue(batch, env);
    },
  };
}
