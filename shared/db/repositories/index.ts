import type { DbClient } from "../client.ts";
import { CompanyRepository } from "./company.repository.ts";
import { ContactRepository } from "./contact.repository.ts";
import { TimelineRepository } from "./timeline.repository.ts";

export type { Page } from "./table.repository.ts";
export { CompanyRepository, ContactRepository, TimelineRepository };

/** Every repository over one connection; built per request (or per test). */
export function createRepositories(db: DbClient) {
  const contacts = new ContactRepository(db);
  return {
    contacts,
    companies: new CompanyRepository(db),
    timeline: new TimelineRepository(db, contacts),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
