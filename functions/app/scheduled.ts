import type { OpenAPIHono } from "@hono/zod-openapi";
import { loadConfig, type WorkerBindings } from "./env.ts";
import type { AppEnv } from "./factory.ts";
import { RequestServices } from "./services.ts";

/** Scores older than this are refreshed (a score loses about 2% a day, so twice a day is plenty). */
const STALE_AFTER_MS = 12 * 3_600_000;
const BATCH = 100;
/** Leave room inside the Worker's limits; what is left over is picked up by the next run. */
const TIME_BUDGET_MS = 20_000;

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

/**
 * A Worker's exports: the app's fetch, and the scheduled jobs. (Structural types for the platform's
 * arguments keep this module type-checkable outside the Workers type universe too.)
 */
export function toWorker(app: OpenAPIHono<AppEnv>) {
  return {
    fetch: app.fetch,
    scheduled(
      controller: { scheduledTime: number },
      env: WorkerBindings,
      ctx: { waitUntil(promise: Promise<unknown>): void },
    ) {
      ctx.waitUntil(refreshEngagement(controller.scheduledTime, env));
    },
  };
}
