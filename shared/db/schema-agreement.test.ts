import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { CONTACT_STATUSES } from "../domain/contact-status.ts";
import { TIMELINE_TYPES } from "../domain/timeline-types.ts";
import {
  DOMAIN_EXAMPLES,
  EMAIL_EXAMPLES,
  type ExampleTable,
  LINKEDIN_EXAMPLES,
  NAME_EXAMPLES,
  PHONE_EXAMPLES,
  TAG_EXAMPLES,
} from "../domain/validation.examples.ts";
import { COMPANY_SIZES } from "../schemas/company.ts";
import {
  DomainSchema,
  EmailSchema,
  LinkedinUrlSchema,
  NameSchema,
  PhoneSchema,
  TagSchema,
} from "../schemas/fields.ts";
import { freshDatabase } from "../testing/node/database.ts";
import type { DbClient } from "./client.ts";
import { isThrown } from "./errors.ts";

/**
 * The SCHEMAFULL ASSERTs (migrations) and the zod schemas (API) must accept and refuse the same
 * values: otherwise the API could accept what the database then refuses (a 500), or the database
 * could hold what the API would never produce. Both are fed the same example tables.
 */
let db: DbClient;
let sequence = 0;

beforeAll(async () => {
  ({ db } = await freshDatabase("agreement"));
  const [[contact]] = await db.query<[[{ id: unknown }]]>(
    "CREATE contact CONTENT { first_name: 'Tag', last_name: 'Holder', email: 'tags@example.com', tags: ['kept'] }",
  );
  tagged = contact.id;
});
afterAll(async () => {
  await db.close();
});

function uniqueEmail() {
  sequence += 1;
  return `person${sequence}@example.com`;
}

/**
 * Tries a write inside a transaction that then throws on purpose: the ASSERTs run, nothing is kept
 * (so unique indexes never make examples collide). Reaching the THROW means the write was accepted.
 */
async function accepted(sql: string, data: Record<string, unknown>): Promise<boolean> {
  try {
    await db.query(`BEGIN TRANSACTION; ${sql}; THROW 'write_accepted'; COMMIT TRANSACTION;`, { data });
    throw new Error("unreachable: the probe transaction always throws");
  } catch (error) {
    return isThrown(error, "write_accepted");
  }
}

const contactWith = (fields: Record<string, unknown>) =>
  accepted("CREATE contact CONTENT $data", {
    first_name: "Ada",
    last_name: "Lovelace",
    email: uniqueEmail(),
    ...fields,
  });
const companyWith = (fields: Record<string, unknown>) =>
  accepted("CREATE company CONTENT $data", { name: "Acme", ...fields });

/**
 * Tags are checked only where they are new or changed (0009), so the update path is probed too: a
 * stored contact's first tag replaced by the value, and the value appended after a kept tag.
 */
let tagged: unknown;
const contactRetagged = async (tag: string) =>
  (await accepted("UPDATE $data.id SET tags[0] = $data.tag", { id: tagged, tag })) &&
  (await accepted("UPDATE $data.id SET tags = $data.tags", { id: tagged, tags: ["kept", tag] }));

const cases: Array<{
  field: string;
  table: ExampleTable;
  schema: z.ZodType;
  store: (value: string) => Promise<boolean>;
}> = [
  {
    field: "contact.email",
    table: EMAIL_EXAMPLES,
    schema: EmailSchema,
    store: (email) => contactWith({ email }),
  },
  {
    field: "contact.phone",
    table: PHONE_EXAMPLES,
    schema: PhoneSchema,
    store: (phone) => contactWith({ phone }),
  },
  {
    field: "contact.linkedin_url",
    table: LINKEDIN_EXAMPLES,
    schema: LinkedinUrlSchema,
    store: (linkedin_url) => contactWith({ linkedin_url }),
  },
  {
    field: "contact.first_name",
    table: NAME_EXAMPLES,
    schema: NameSchema,
    store: (first_name) => contactWith({ first_name }),
  },
  {
    field: "contact.tags[]",
    table: TAG_EXAMPLES,
    schema: TagSchema,
    store: (tag) => contactWith({ tags: [tag] }),
  },
  {
    field: "contact.tags[] on update",
    table: TAG_EXAMPLES,
    schema: TagSchema,
    store: contactRetagged,
  },
  {
    field: "company.tags[]",
    table: TAG_EXAMPLES,
    schema: TagSchema,
    store: (tag) => companyWith({ tags: [tag] }),
  },
  {
    field: "company.domain",
    table: DOMAIN_EXAMPLES,
    schema: DomainSchema,
    store: (domain) => companyWith({ domain }),
  },
];

describe.each(cases)("$field", ({ table, schema, store }) => {
  it.each(table.valid.map((value) => [value]))(
    "accepts %j, as stored, in both the API schema and the database",
    async (value) => {
      const parsed = schema.safeParse(value);
      expect(parsed.success && parsed.data).toBe(value);
      expect(await store(value)).toBe(true);
    },
  );

  it.each(table.invalid.map((value) => [value]))(
    "refuses %j in the database; the API refuses it or normalises it into a value the database accepts",
    async (value) => {
      expect(await store(value)).toBe(false);
      const parsed = schema.safeParse(value);
      if (parsed.success) {
        expect(parsed.data).not.toBe(value);
        expect(await store(parsed.data as string)).toBe(true);
      }
    },
  );
});

describe("enumerations", () => {
  it("contact.status: the database accepts exactly the domain's statuses", async () => {
    for (const status of CONTACT_STATUSES) expect(await contactWith({ status })).toBe(true);
    expect(await contactWith({ status: "vip" })).toBe(false);
  });

  it("company.size: the database accepts exactly the schema's bands", async () => {
    for (const size of COMPANY_SIZES) expect(await companyWith({ size })).toBe(true);
    expect(await companyWith({ size: "huge" })).toBe(false);
  });

  it("timeline_entry.type: the database accepts exactly the domain's types", async () => {
    const [[contact]] = await db.query<[[{ id: unknown }]]>(
      "CREATE contact CONTENT { first_name: 'T', last_name: 'T', email: 'timeline@example.com' }",
    );
    const entry = (type: string) =>
      accepted("CREATE timeline_entry CONTENT $data", { contact: contact.id, type, content: "x" });
    for (const type of TIMELINE_TYPES) expect(await entry(type)).toBe(true);
    expect(await entry("bogus")).toBe(false);
  });

  it("server-owned created_at cannot be changed once written", async () => {
    const [[company]] = await db.query<[[{ id: unknown }]]>("CREATE company CONTENT { name: 'Readonly' }");
    await expect(db.query("UPDATE $id SET created_at = d'2000-01-01'", { id: company.id })).rejects.toThrow(
      /readonly/i,
    );
  });
});
