import type { CampaignObjective } from "../domain/campaign-status.ts";
import { type BrandSettings, DEFAULT_BRAND_SETTINGS } from "../schemas/settings.ts";
import type { AssetInput, SummaryInput } from "./types.ts";

/** Inputs shared by the shared/ai tests. */

export const BRAND: BrandSettings = {
  ...DEFAULT_BRAND_SETTINGS,
  brand_name: "Fieldwise",
  voice: "warm, direct, no jargon",
  postal_address: "12 Harbour St\nBristol BS1 4RN, UK",
  default_sender_name: "Maya from Fieldwise",
  website_url: "https://fieldwise.io",
};

export const PROMPT =
  "Launch of our offline sync feature for field teams. Mention the 30-day free trial, and that setup takes under 10 minutes.";

export function assetInput(objective: CampaignObjective, overrides: Partial<AssetInput> = {}): AssetInput {
  return {
    campaign: {
      name: "Offline sync launch",
      objective,
      channels: ["email", "social", "landing_page", "event"],
      prompt: PROMPT,
    },
    brand: BRAND,
    event: {
      name: "Offline-first field ops: live demo",
      start_time: "2026-02-03T16:00:00Z",
      end_time: "2026-02-03T17:00:00Z",
      location: "Engine Shed, Bristol",
    },
    ...overrides,
  };
}

export const NOW = new Date("2026-01-10T12:00:00Z");

export function daysAgo(days: number): string {
  return new Date(NOW.getTime() - days * 86_400_000).toISOString();
}

export function summaryInput(
  entries: SummaryInput["entries"],
  contact: Partial<SummaryInput["contact"]> = {},
): SummaryInput {
  return {
    contact: {
      first_name: "Ada",
      last_name: "Lovelace",
      email: "ada@engines.example",
      status: "lead",
      engagement_score: 34,
      engagement_level: "warming",
      company_name: "Analytical Engines",
      ...contact,
    },
    entries,
    brand: BRAND,
  };
}
