import type { LanguageModel } from "ai";
import type { CampaignObjective, Channel } from "../domain/campaign-status.ts";
import type { ContactStatus } from "../domain/contact-status.ts";
import type { EngagementLevel } from "../domain/engagement.ts";
import type { AssetMetadata } from "../schemas/assets.ts";
import type { BrandSettings } from "../schemas/settings.ts";
import type { AiConfig } from "./config.ts";

/** What every asset generator reads. Kept to plain values so the API can build it from its records. */
export interface AssetInput {
  campaign: {
    name: string;
    objective: CampaignObjective;
    channels: readonly Channel[];
    prompt: string | null;
  };
  brand: BrandSettings;
  /** An extra instruction for this generation only (the request's `prompt`). */
  prompt?: string;
  /** The event an event campaign invites to. */
  event?: EventFacts | null;
  /**
   * Where calls to action should point (e.g. the campaign's landing page); the brand's website when
   * absent.
   */
  cta_url?: string | null;
}

export interface EventFacts {
  name: string;
  /** ISO 8601 timestamps. */
  start_time: string;
  end_time: string;
  location: string;
}

export interface SummaryInput {
  contact: {
    first_name: string;
    last_name: string;
    email: string;
    status: ContactStatus;
    engagement_score: number;
    engagement_level: EngagementLevel;
    company_name: string | null;
  };
  entries: readonly SummaryEntry[];
  brand: BrandSettings;
}

export interface SummaryEntry {
  type: string;
  content: string;
  /** ISO 8601. */
  timestamp: string;
}

export interface GenerateOptions {
  config: AiConfig;
  /** Tests inject a model; otherwise it comes from `config`. */
  model?: LanguageModel;
  now?: Date;
}

export interface GenerationResult<T> {
  content: T;
  metadata: AssetMetadata;
}
