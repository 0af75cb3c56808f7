import type { DbClient } from "../client.ts";
import { ApiKeyRepository } from "./api-key.repository.ts";
import { CompanyRepository } from "./company.repository.ts";
import { ContactRepository } from "./contact.repository.ts";
import { SessionRepository } from "./session.repository.ts";
import { TimelineRepository } from "./timeline.repository.ts";
import { UserRepository } from "./user.repository.ts";

export type { Page } from "./table.repository.ts";
export type { LoginCandidate } from "./user.repository.ts";
export {
  ApiKeyRepository,
  CompanyRepository,
  ContactRepository,
  SessionRepository,
  TimelineRepository,
  UserRepository,
};

/** Every repository over one connection; built per request (or per test). */
export function createRepositories(db: DbClient) {
  const contacts = new ContactRepository(db);
  const sessions = new SessionRepository(db);
  return {
    contacts,
    companies: new CompanyRepository(db),
    timeline: new TimelineRepository(db, contacts),
    sessions,
    users: new UserRepository(db, sessions),
    apiKeys: new ApiKeyRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
