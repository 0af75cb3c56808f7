import { z } from "zod";
import type { LandingBlock } from "./assets.ts";
import { EmailSchema, LinkedinUrlSchema, NameSchema, PhoneSchema, ShortTextSchema } from "./fields.ts";

/**
 * A landing page form's submission, checked against the fields that page shows. Field names cannot
 * start with `_`, so the form's own controls (`_consent`, `_website`, `_t`) never collide with them.
 */
export type FormBlock = Extract<LandingBlock, { type: "form" }>;
export type FormField = FormBlock["fields"][number];

/** The form's own controls. */
export const FORM_CONTROLS = {
  consent: "_consent",
  /** Hidden from people; a bot that fills every input fills it. */
  honeypot: "_website",
  /** When the form was rendered (signed), for the minimum fill time. */
  started: "_t",
  /** Cloudflare Turnstile's widget posts its token under this name. */
  turnstile: "cf-turnstile-response",
} as const;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const LongTextSchema = z
  .string()
  .max(4000)
  .trim()
  .min(1)
  .max(2000)
  .refine((text) => !CONTROL_EXCEPT_LINES.test(text), "must not contain control characters");

function fieldSchema(field: FormField): z.ZodType<string> {
  // Contact fields by name first: their values go into the contact, whose rules they must meet.
  if (field.name === "first_name" || field.name === "last_name") return NameSchema;
  if (field.name === "linkedin_url") return LinkedinUrlSchema;
  if (field.name === "phone") return PhoneSchema;
  if (field.name === "email") return EmailSchema;
  switch (field.type) {
    case "email":
      return EmailSchema;
    case "tel":
      return PhoneSchema;
    case "textarea":
      return LongTextSchema;
    case "select":
      return z
        .string()
        .refine((value) => (field.options ?? []).includes(value), "must be one of the choices");
    default:
      return ShortTextSchema(200);
  }
}

export interface SubmissionIssue {
  field: string;
  message: string;
}

export type ParsedSubmission =
  | { ok: true; values: Record<string, string>; consent: boolean }
  | { ok: false; issues: SubmissionIssue[] };

/** A submitted value as text: form posts give strings; scripts may send numbers or booleans. */
function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

const TICKED = new Set(["on", "yes", "true", "1"]);

/**
 * Validates the values for each field of the form (unknown keys are ignored: they are not on the
 * page). Empty optional fields are left out. `consentRequired`: the page shows a consent checkbox.
 */
export function parseSubmission(
  form: FormBlock,
  raw: Record<string, unknown>,
  consentRequired: boolean,
): ParsedSubmission {
  const values: Record<string, string> = {};
  const issues: SubmissionIssue[] = [];
  for (const field of form.fields) {
    const given = Object.hasOwn(raw, field.name) ? raw[field.name] : undefined;
    const text = textOf(given);
    if (given !== undefined && given !== null && text === undefined) {
      issues.push({ field: field.name, message: "must be text" });
      continue;
    }
    if (text === undefined || text.trim() === "") {
      if (field.required) issues.push({ field: field.name, message: `${field.label} is required` });
      continue;
    }
    const parsed = fieldSchema(field).safeParse(text);
    if (parsed.success) values[field.name] = parsed.data;
    else issues.push({ field: field.name, message: parsed.error.issues[0]?.message ?? "is not valid" });
  }
  const consentValue = Object.hasOwn(raw, FORM_CONTROLS.consent) ? raw[FORM_CONTROLS.consent] : undefined;
  const consent = consentValue === true || TICKED.has(String(textOf(consentValue) ?? "").toLowerCase());
  if (consentRequired && !consent) {
    issues.push({ field: FORM_CONTROLS.consent, message: "Please tick the box to agree" });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, values, consent };
}
