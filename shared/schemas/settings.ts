import { z } from "zod";
import { TimestampSchema } from "./common.ts";
import { EmailSchema, ShortTextSchema } from "./fields.ts";

/** Who the campaigns speak for; used by content generation and, later, by email delivery. */
export const BrandSettingsSchema = z
  .object({
    brand_name: z.string(),
    voice: z.string().meta({ description: "How the brand sounds, e.g. 'warm, direct, no jargon'." }),
    postal_address: z
      .string()
      .meta({ description: "Printed in email footers (anti-spam laws require one)." }),
    default_sender_name: z.string(),
    default_sender_email: z.string().nullable(),
    website_url: z.string().nullable(),
    updated_at: TimestampSchema.nullable(),
  })
  .meta({ id: "BrandSettings" });

const UrlSchema = z
  .string()
  .max(300)
  .trim()
  .refine((value) => /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(value), "must be an http(s) URL");

export const BrandSettingsUpdateSchema = z
  .strictObject({
    brand_name: ShortTextSchema(100).optional(),
    voice: z.string().max(500).trim().optional(),
    postal_address: z.string().max(300).trim().optional(),
    default_sender_name: z.string().max(100).trim().optional(),
    default_sender_email: EmailSchema.nullable().optional(),
    website_url: UrlSchema.nullable().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: "send at least one field to change" })
  .meta({ id: "BrandSettingsUpdate" });

/** What a fresh workspace starts with, so generation works before anyone fills the settings in. */
export const DEFAULT_BRAND_SETTINGS: BrandSettings = {
  brand_name: "Our team",
  voice: "clear, warm and specific; short sentences; no jargon",
  postal_address: "",
  default_sender_name: "Our team",
  default_sender_email: null,
  website_url: null,
  updated_at: null,
};

export type BrandSettings = z.infer<typeof BrandSettingsSchema>;
export type BrandSettingsUpdate = z.infer<typeof BrandSettingsUpdateSchema>;
