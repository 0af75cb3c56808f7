import { createWorker } from "./app/factory.ts";
import { toWorker } from "./app/scheduled.ts";
import { companiesGroup } from "./companies/index.ts";
import { contactsGroup } from "./contacts/index.ts";
import { timelineGroup } from "./timeline/index.ts";

/**
 * The gateway Worker: every resource group behind one hostname (local dev and single-Worker deploys).
 * Each group is also deployable on its own from its folder's index.ts.
 */
export const app = createWorker([contactsGroup, companiesGroup, timelineGroup]);

export type AppType = typeof app;

export default toWorker(app);
