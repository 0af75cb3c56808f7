import { analyticsGroup } from "./analytics/index.ts";
import { apiKeysGroup } from "./api-keys/index.ts";
import { createWorker } from "./app/factory.ts";
import { toWorker } from "./app/scheduled.ts";
import { authGroup } from "./auth/index.ts";
import { campaignsGroup } from "./campaigns/index.ts";
import { companiesGroup } from "./companies/index.ts";
import { contactsGroup } from "./contacts/index.ts";
import { emailWebhooksGroup } from "./email-webhooks/index.ts";
import { eventsGroup } from "./events/index.ts";
import { landingGroup } from "./landing/index.ts";
import { landingPagesGroup } from "./landing-pages/index.ts";
import { outboxGroup } from "./outbox/index.ts";
import { rsvpGroup } from "./rsvp/index.ts";
import { segmentsGroup } from "./segments/index.ts";
import { settingsGroup } from "./settings/index.ts";
import { timelineGroup } from "./timeline/index.ts";
import { trackingGroup } from "./tracking/index.ts";
import { usersGroup } from "./users/index.ts";
import { webhooksGroup } from "./webhooks/index.ts";

/**
 * The gateway Worker: every resource group behind one hostname (local dev and single-Worker deploys).
 * Each group is also deployable on its own from its folder's index.ts.
 */
export const app = createWorker([
  authGroup,
  contactsGroup,
  companiesGroup,
  timelineGroup,
  usersGroup,
  apiKeysGroup,
  settingsGroup,
  segmentsGroup,
  campaignsGroup,
  eventsGroup,
  landingPagesGroup,
  outboxGroup,
  trackingGroup,
  rsvpGroup,
  landingGroup,
  emailWebhooksGroup,
  webhooksGroup,
  analyticsGroup,
]);

export type AppType = typeof app;

export default toWorker(app);
