import type { SuppressionReason } from "../../schemas/delivery.ts";
import type { DbClient } from "../client.ts";
import { recordId } from "../record-id.ts";
import type { ContactRepository } from "./contact.repository.ts";

/** Why an address was suppressed, and the evidence for the consent log. */
export interface SuppressionInput {
  email: string;
  reason: SuppressionReason;
  /** Where it came from: `one_click`, `unsubscribe_page`, `webhook:resend`, … */
  source: string;
  contact?: string | null;
  campaign?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

const TIMELINE_TYPE: Record<SuppressionReason, "unsubscribed" | "email_bounced"> = {
  unsubscribed: "unsubscribed",
  complained: "unsubscribed",
  manual: "unsubscribed",
  bounced: "email_bounced",
};

/** The suppression list every run honours, and the consent log behind it. */
export class SuppressionRepository {
  readonly #db: DbClient;
  readonly #contacts: ContactRepository;

  constructor(db: DbClient, contacts: ContactRepository) {
    this.#db = db;
    this.#contacts = contacts;
  }

  /** Which of these addresses may not be emailed. */
  async suppressedAmong(emails: readonly string[]): Promise<Set<string>> {
    if (emails.length === 0) return new Set();
    const [found] = await this.#db.query<[string[]]>(
      "SELECT VALUE email FROM suppression WHERE email IN $emails",
      { emails: emails.map((email) => email.toLowerCase()) },
    );
    return new Set(found);
  }

  /** Every suppressed address (kept small by nature: people who opted out or bounced). */
  async all(): Promise<Set<string>> {
    const [found] = await this.#db.query<[string[]]>("SELECT VALUE email FROM suppression");
    return new Set(found);
  }

  /**
   * Suppresses an address, logs the consent change with its evidence and writes the contact's timeline
   * entry, in one transaction. Suppressing an address that already is changes nothing and writes
   * nothing (a second click on the same unsubscribe link). Returns whether this call suppressed it.
   */
  async suppress(input: SuppressionInput): Promise<boolean> {
    const email = input.email.trim().toLowerCase();
    const contact = input.contact ? recordId("contact", input.contact) : undefined;
    const campaign = input.campaign ? recordId("campaign", input.campaign) : undefined;
    const type = TIMELINE_TYPE[input.reason];
    return this.#db.transaction(async (tx) => {
      const results = await tx.query(
        `LET $created = (INSERT IGNORE INTO suppression {
           email: $email, reason: $reason, source: $source, contact: $contact, campaign: $campaign
         } RETURN id);
         IF array::len($created) > 0 {
           CREATE consent_event CONTENT {
             email: $email, contact: $contact, campaign: $campaign, source: $source,
             action: IF $reason = 'manual' { 'unsubscribed' } ELSE { $reason }, ip: $ip, user_agent: $user_agent
           };
           IF $contact != NONE AND record::exists($contact) {
             CREATE timeline_entry CONTENT {
               contact: $contact, company: $contact.company, type: $type, content: $content,
               metadata: { campaign: IF $campaign != NONE { record::id($campaign) } ELSE { NONE }, reason: $reason, source: $source }
             };
           };
         };
         RETURN array::len($created) > 0;`,
        {
          email,
          reason: input.reason,
          source: input.source,
          contact,
          campaign,
          ip: input.ip ?? undefined,
          user_agent: input.userAgent ?? undefined,
          type,
          content:
            type === "email_bounced" ? `Email to ${email} bounced` : `Unsubscribed ${email} from email`,
        },
      );
      const created = results[results.length - 1] === true;
      if (created && contact && input.contact) {
        await this.#contacts.recomputeEngagement(input.contact, new Date(), tx);
      }
      return created;
    });
  }
}
