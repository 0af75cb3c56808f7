import { withCrud } from "../app/crud.handlers.ts";
import { createGroup, createWorker } from "../app/factory.ts";
import { notify } from "../app/notify.ts";
import { toWorker } from "../app/scheduled.ts";
import { contactSummary, contactTimeline } from "./contacts.handlers.ts";
import { contactRoutes } from "./contacts.routes.ts";

/** Contacts: CRUD (status machine and uniqueness live in the repository) and the contact's timeline. */
export const contactsGroup = withCrud(createGroup(), contactRoutes, (r) => r.contacts, "contact", {
  afterCreate: (c, contact) => notify(c, "contact.created", `contact.created:${contact.id}`, { contact }),
  afterUpdate: (c, contact) =>
    notify(c, "contact.updated", `contact.updated:${contact.id}:${contact.updated_at}`, { contact }),
})
  .openapi(contactRoutes.timeline, contactTimeline)
  .openapi(contactRoutes.summary, contactSummary);

/** Deployable alone: `wrangler deploy functions/contacts/index.ts`. */
export default toWorker(createWorker([contactsGroup], "Edge CRM API: contacts"));
