import { RecordId } from "surrealdb";
import { RECORD_KEY_PATTERN } from "../schemas/common.ts";

/** Every table the application reads or writes. Record ids are only ever built from these names. */
export const TABLES = [
  "contact",
  "company",
  "timeline_entry",
  "app_user",
  "session",
  "api_key",
  "app_lock",
  "settings",
  "segment",
  "campaign",
  "campaign_asset",
  "event",
  "rsvp",
  "campaign_run",
  "delivery",
  "outbox_message",
  "suppression",
  "consent_event",
  "social_post",
  "webhook_subscription",
  "webhook_delivery",
  "landing_page",
  "landing_page_view",
] as const;
export type Table = (typeof TABLES)[number];

export function isRecordKey(key: string): boolean {
  return RECORD_KEY_PATTERN.test(key);
}

/** Builds `table:key` from an allow-listed table and a validated key; returns undefined for a bad key. */
export function recordId(table: Table, key: string): RecordId<Table, string> | undefined {
  return isRecordKey(key) ? new RecordId(table, key) : undefined;
}

/** The API id of a record: its key, as a string. */
export function keyOf(id: unknown): string {
  if (id instanceof RecordId) return String(id.id);
  throw new TypeError("expected a record id");
}
