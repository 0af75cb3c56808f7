import { withCrud } from "../app/crud.handlers.ts";
import { createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import { companyContacts } from "./companies.handlers.ts";
import { companyRoutes } from "./companies.routes.ts";

/** Companies: CRUD (deleting unlinks contacts in one transaction) and the company's contacts. */
export const companiesGroup = withCrud(createGroup(), companyRoutes, (r) => r.companies, "company").openapi(
  companyRoutes.contacts,
  companyContacts,
);

/** Deployable alone: `wrangler deploy functions/companies/index.ts`. */
export default toWorker(createWorker([companiesGroup], "Edge CRM API: companies"));
