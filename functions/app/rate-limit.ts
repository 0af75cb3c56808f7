import { AppError } from "@crm/shared/errors";
import type { RateLimiter } from "./env.ts";

/** Workers rate limits count per period of 60 seconds (or 10); tell clients the longer one. */
export const RETRY_AFTER_SECONDS = 60;

/** Spends one unit of `key`'s budget on `limiter`; over budget is a 429 with Retry-After. */
export async function rateLimited(
  limiter: RateLimiter | undefined,
  key: string,
  message: string,
): Promise<void> {
  if (!limiter) return;
  const { success } = await limiter.limit({ key });
  if (!success) throw new AppError("rate_limited", message, { retry_after_seconds: RETRY_AFTER_SECONDS });
}
