import { z } from "zod";
import {
  PaginationQuerySchema,
  pageOf,
  RecordKeySchema,
  searchParam,
  sortParam,
  TimestampSchema,
} from "./common.ts";
import { CompanyNameSchema, DomainSchema, ShortTextSchema, TagsSchema, tagFilterParam } from "./fields.ts";

/** Headcount bands, as most enrichment sources and CRMs report company size. */
export const COMPANY_SIZES = [
  "1-10",
  "11-50",
  "51-200",
  "201-500",
  "501-1000",
  "1001-5000",
  "5001-10000",
  "10001+",
] as const;

export const CompanySizeSchema = z
  .enum(COMPANY_SIZES)
  .meta({ id: "CompanySize", description: "Headcount band." });

export const CompanySchema = z
  .object({
    id: RecordKeySchema,
    name: z.string(),
    domain: z.string().nullable(),
    industry: z.string().nullable(),
    size: CompanySizeSchema.nullable(),
    tags: z.array(z.string()),
    contact_count: z
      .number()
      .int()
      .min(0)
      .meta({ description: "How many contacts belong to it; read-only." }),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .meta({ id: "Company" });

const IndustrySchema = ShortTextSchema(100).meta({ example: "Fintech" });

export const CompanyCreateSchema = z
  .strictObject({
    name: CompanyNameSchema,
    domain: DomainSchema.optional(),
    industry: IndustrySchema.optional(),
    size: CompanySizeSchema.optional(),
    tags: TagsSchema.default([]),
  })
  .meta({ id: "CompanyCreate" });

export const CompanyPatchSchema = z
  .strictObject({
    name: CompanyNameSchema.optional(),
    domain: DomainSchema.nullable().optional().meta({ description: "null clears it." }),
    industry: IndustrySchema.nullable().optional().meta({ description: "null clears it." }),
    size: CompanySizeSchema.nullable().optional().meta({ description: "null clears it." }),
    tags: TagsSchema.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: "send at least one field to change" })
  .meta({ id: "CompanyPatch" });

export const COMPANY_SORT_FIELDS = ["created_at", "updated_at", "name"] as const;

export const CompanyListQuerySchema = PaginationQuerySchema.extend({
  search: searchParam("name or domain"),
  industry: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: "Exact industry (case-insensitive)." }),
  size: CompanySizeSchema.optional(),
  tag: tagFilterParam("company"),
  sort: sortParam(COMPANY_SORT_FIELDS, "name"),
});

export const CompanyPageSchema = pageOf(CompanySchema, "Company");

export type Company = z.infer<typeof CompanySchema>;
export type CompanyCreate = z.infer<typeof CompanyCreateSchema>;
export type CompanyPatch = z.infer<typeof CompanyPatchSchema>;
export type CompanyListQuery = z.infer<typeof CompanyListQuerySchema>;
export type CompanyPage = z.infer<typeof CompanyPageSchema>;
