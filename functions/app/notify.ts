import { emitEvent } from "@crm/shared/delivery";
import type { WebhookEvent } from "@crm/shared/domain";
import type { Context } from "hono";
import type { AppEnv } from "./factory.ts";

/**
 * Tells webhook subscribers about something a request just did. The change itself is already
 * committed, so a failure here (queue or database trouble) is logged with the request id, not turned
 * into an error for a request that succeeded.
 */
export async function notify(
  c: Context<AppEnv>,
  event: WebhookEvent,
  eventId: string,
  data: Record<string, unknown>,
): Promise<void> {
  try {
    const repos = await c.var.services.repositories();
    await emitEvent(repos, c.var.services.queue(), event, eventId, data);
  } catch (error) {
    console.error(JSON.stringify({ requestId: c.get("requestId"), event, eventId, error: String(error) }));
  }
}
