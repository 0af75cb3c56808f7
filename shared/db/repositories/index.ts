import type { DbClient } from "../client.ts";
import { AnalyticsRepository } from "./analytics.repository.ts";
import { ApiKeyRepository } from "./api-key.repository.ts";
import { AssetRepository } from "./asset.repository.ts";
import { CampaignRepository } from "./campaign.repository.ts";
import { CompanyRepository } from "./company.repository.ts";
import { ContactRepository } from "./contact.repository.ts";
import { DeliveryRepository } from "./delivery.repository.ts";
import { EventRepository } from "./event.repository.ts";
import { LandingPageRepository } from "./landing-page.repository.ts";
import { OutboxRepository } from "./outbox.repository.ts";
import { SegmentRepository } from "./segment.repository.ts";
import { SessionRepository } from "./session.repository.ts";
import { SettingsRepository } from "./settings.repository.ts";
import { SuppressionRepository } from "./suppression.repository.ts";
import { TimelineRepository } from "./timeline.repository.ts";
import { UserRepository } from "./user.repository.ts";
import { WebhookRepository } from "./webhook.repository.ts";

export type {
  ClaimedDelivery,
  DeliveryOutcome,
  PlannedDelivery,
  SystemEntry,
} from "./delivery.repository.ts";
export type { Invitee } from "./event.repository.ts";
export type { LandingPageRow, SubmissionResult } from "./landing-page.repository.ts";
export type { SuppressionInput } from "./suppression.repository.ts";
export type { Page } from "./table.repository.ts";
export type { LoginCandidate } from "./user.repository.ts";
export type { ClaimedWebhook } from "./webhook.repository.ts";
export {
  AnalyticsRepository,
  ApiKeyRepository,
  AssetRepository,
  CampaignRepository,
  CompanyRepository,
  ContactRepository,
  DeliveryRepository,
  EventRepository,
  LandingPageRepository,
  OutboxRepository,
  SegmentRepository,
  SessionRepository,
  SettingsRepository,
  SuppressionRepository,
  TimelineRepository,
  UserRepository,
  WebhookRepository,
};

/** Every repository over one connection; built per request (or per test). */
export function createRepositories(db: DbClient) {
  const contacts = new ContactRepository(db);
  const sessions = new SessionRepository(db);
  const timeline = new TimelineRepository(db, contacts);
  return {
    contacts,
    companies: new CompanyRepository(db),
    timeline,
    sessions,
    users: new UserRepository(db, sessions),
    apiKeys: new ApiKeyRepository(db),
    settings: new SettingsRepository(db),
    campaigns: new CampaignRepository(db),
    assets: new AssetRepository(db),
    events: new EventRepository(db, contacts),
    segments: new SegmentRepository(db, contacts),
    deliveries: new DeliveryRepository(db, contacts),
    outbox: new OutboxRepository(db),
    suppressions: new SuppressionRepository(db, contacts),
    webhooks: new WebhookRepository(db),
    landingPages: new LandingPageRepository(db, contacts),
    analytics: new AnalyticsRepository(db, contacts, timeline),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
