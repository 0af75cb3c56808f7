import { z } from "zod";
import { CONTACT_STATUSES } from "../domain/contact-status.ts";
import { ENGAGEMENT_LEVELS } from "../domain/engagement.ts";
import {
  PaginationQuerySchema,
  pageOf,
  RecordKeySchema,
  searchParam,
  sortParam,
  TimestampSchema,
} from "./common.ts";
import {
  EmailSchema,
  LinkedinUrlSchema,
  NameSchema,
  PhoneSchema,
  TagsSchema,
  tagFilterParam,
} from "./fields.ts";

export const ContactStatusSchema = z.enum(CONTACT_STATUSES).meta({
  id: "ContactStatus",
  description: "Lifecycle status. customer/partner/investor → lead needs confirm_downgrade.",
});

export const ContactSchema = z
  .object({
    id: RecordKeySchema,
    first_name: z.string(),
    last_name: z.string(),
    email: z.string(),
    phone: z.string().nullable(),
    linkedin_url: z.string().nullable(),
    tags: z.array(z.string()),
    status: ContactStatusSchema,
    engagement_score: z
      .number()
      .min(0)
      .max(100)
      .meta({ description: "Derived from the timeline; read-only." }),
    engagement_level: z.enum(ENGAGEMENT_LEVELS).meta({ description: "Band of engagement_score; read-only." }),
    company: RecordKeySchema.nullable().meta({ description: "Id of the contact's company." }),
    source: z.string().nullable().meta({
      description:
        "Where the contact came from, when the system created it (e.g. `landing_page:spring-launch`); read-only.",
    }),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .meta({ id: "Contact" });

export const ContactCreateSchema = z
  .strictObject({
    first_name: NameSchema,
    last_name: NameSchema,
    email: EmailSchema,
    phone: PhoneSchema.optional(),
    linkedin_url: LinkedinUrlSchema.optional(),
    tags: TagsSchema.default([]),
    status: ContactStatusSchema.default("lead"),
    company: RecordKeySchema.optional().meta({ description: "Id of an existing company." }),
  })
  .meta({ id: "ContactCreate" });

export const ContactPatchSchema = z
  .strictObject({
    first_name: NameSchema.optional(),
    last_name: NameSchema.optional(),
    email: EmailSchema.optional(),
    phone: PhoneSchema.nullable().optional().meta({ description: "null clears it." }),
    linkedin_url: LinkedinUrlSchema.nullable().optional().meta({ description: "null clears it." }),
    tags: TagsSchema.optional(),
    status: ContactStatusSchema.optional(),
    company: RecordKeySchema.nullable().optional().meta({ description: "null unlinks the company." }),
    confirm_downgrade: z
      .boolean()
      .optional()
      .meta({ description: "Set to true to move a customer, partner or investor back to lead on purpose." }),
  })
  .refine((patch) => Object.keys(patch).some((key) => key !== "confirm_downgrade"), {
    message: "send at least one field to change",
  })
  .meta({ id: "ContactPatch" });

export const CONTACT_SORT_FIELDS = [
  "created_at",
  "updated_at",
  "first_name",
  "last_name",
  "email",
  "engagement_score",
] as const;

export const ContactListQuerySchema = PaginationQuerySchema.extend({
  search: searchParam("first name, last name or email"),
  status: ContactStatusSchema.optional(),
  tag: tagFilterParam("contact"),
  company: RecordKeySchema.optional().meta({ description: "Only contacts of this company." }),
  min_engagement: z.coerce.number().min(0).max(100).optional(),
  max_engagement: z.coerce.number().min(0).max(100).optional(),
  created_after: TimestampSchema.optional(),
  sort: sortParam(CONTACT_SORT_FIELDS, "-created_at"),
});

export const ContactPageSchema = pageOf(ContactSchema, "Contact");

export type Contact = z.infer<typeof ContactSchema>;
export type ContactCreate = z.infer<typeof ContactCreateSchema>;
export type ContactPatch = z.infer<typeof ContactPatchSchema>;
export type ContactListQuery = z.infer<typeof ContactListQuerySchema>;
export type ContactPage = z.infer<typeof ContactPageSchema>;
