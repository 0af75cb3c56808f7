import { z } from "zod";
import { ERROR_CODES, type ErrorCode } from "./codes.ts";

export const ErrorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

export const FieldIssueSchema = z.object({
  field: z.string().meta({ description: "Dotted path of the offending field; empty for the whole body." }),
  message: z.string(),
});

/** `{ "error": { "code", "message", "details"?, "requestId" } }`, used by every error response. */
export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: ErrorCodeSchema,
      message: z.string(),
      details: z.union([z.array(FieldIssueSchema), z.record(z.string(), z.unknown())]).optional(),
      requestId: z.string(),
    }),
  })
  .meta({ id: "ErrorEnvelope" });

export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

/** OpenAPI `responses` entries for the given codes, grouped by status. */
export function errorResponses(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const { status } = ERROR_CODES[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<
    number,
    { description: string; content: { "application/json": { schema: typeof ErrorEnvelopeSchema } } }
  > = {};
  for (const [status, grouped] of byStatus) {
    responses[status] = {
      description: grouped.map((code) => `\`${code}\`: ${ERROR_CODES[code].description}`).join(" "),
      content: { "application/json": { schema: ErrorEnvelopeSchema } },
    };
  }
  return responses;
}
