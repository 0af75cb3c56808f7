import { z } from "zod";

export const HealthSchema = z
  .object({
    status: z.literal("ok"),
    database: z.object({
      status: z.literal("ok"),
      version: z.string().meta({ example: "surrealdb-3.0.2" }),
      latency_ms: z.number(),
    }),
  })
  .meta({ id: "Health" });

export type Health = z.infer<typeof HealthSchema>;
