import { z } from "zod";
import {
  isValidDomain,
  isValidEmail,
  isValidLinkedinUrl,
  isValidName,
  isValidPhone,
  isValidTag,
  LIMITS,
  normalizeDomain,
  normalizeEmail,
  normalizeTag,
  normalizeTags,
} from "../domain/validation.ts";
import { repeatable } from "./common.ts";

const CONTROL_CHARACTER = /\p{Cc}/u;

/** Field schemas built on the domain rules, shared by every resource that has such a field. */

export const NameSchema = z
  .string()
  .max(1000)
  .trim()
  .refine((name) => isValidName(name), `must be 1-${LIMITS.nameLength} characters without control characters`)
  .meta({ example: "Ada" });

export const CompanyNameSchema = z
  .string()
  .max(1000)
  .trim()
  .refine(
    (name) => isValidName(name, LIMITS.companyNameLength),
    `must be 1-${LIMITS.companyNameLength} characters without control characters`,
  )
  .meta({ example: "Analytical Engines Ltd" });

export const EmailSchema = z
  .string()
  .max(1000)
  .overwrite(normalizeEmail)
  .refine(isValidEmail, "must be a valid email address like name@example.com (ASCII, at most 254 characters)")
  .meta({ description: "Trimmed and lowercased before it is stored; unique.", example: "ada@example.com" });

export const PhoneSchema = z
  .string()
  .max(1000)
  .trim()
  .refine(isValidPhone, `must be ${LIMITS.phoneMin}-${LIMITS.phoneMax} digits, spaces or - ( ) + .`)
  .meta({ example: "+44 20 7946 0958" });

export const LinkedinUrlSchema = z
  .string()
  .max(1000)
  .trim()
  .refine(isValidLinkedinUrl, "must look like https://www.linkedin.com/in/<handle>")
  .meta({ example: "https://www.linkedin.com/in/ada-lovelace" });

export const TagSchema = z
  .string()
  .max(1000)
  .overwrite(normalizeTag)
  .refine(isValidTag, `must be 1-${LIMITS.tagLength} letters, digits, - or _`);

export const TagsSchema = z
  .array(TagSchema)
  .max(LIMITS.tagCount * 4)
  .overwrite(normalizeTags)
  .refine((tags) => tags.length <= LIMITS.tagCount, `at most ${LIMITS.tagCount} distinct tags`)
  .meta({ description: "Trimmed, lowercased, duplicates dropped.", example: ["founder", "fintech"] });

export const DomainSchema = z
  .string()
  .max(1000)
  .overwrite(normalizeDomain)
  .refine(isValidDomain, "must be a domain like example.com (no path; a 2-10 letter TLD)")
  .meta({ description: "Stored lowercase without protocol or www.; unique.", example: "example.com" });

export const ShortTextSchema = (max: number) =>
  z
    .string()
    .max(1000)
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !CONTROL_CHARACTER.test(text), "must not contain control characters");

/** `tag=a&tag=b`: every given tag must be present. */
export function tagFilterParam(noun: string) {
  return repeatable(TagSchema)
    .optional()
    .meta({ description: `Repeatable; a ${noun} must have every given tag.` });
}
