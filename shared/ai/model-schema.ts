import { jsonSchema, type Schema } from "ai";
import { z } from "zod";

/**
 * The JSON schema a model receives for a zod schema, and the zod validation of its answer.
 *
 * zod turns every schema with a `.meta({ id })` into a `$ref` to a definition, the root included, and
 * OpenAI's structured output refuses a root that is not `type: "object"`. Our schemas are not recursive
 * (the OpenAPI document needs that too), so every reference is inlined: one self-contained object
 * schema that keeps the field descriptions. Objects are closed (`additionalProperties: false`), as the
 * AI SDK does for zod schemas; `oneOf` (a discriminated union, whose members exclude each other anyway)
 * becomes `anyOf` and `const` a one-value `enum`, the forms OpenAI's structured output documents.
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function inline(node: unknown, definitions: Json, depth = 0): unknown {
  if (depth > 64) throw new Error("schema too deep to inline (is it recursive?)");
  if (Array.isArray(node)) return node.map((item) => inline(item, definitions, depth + 1));
  if (!isObject(node)) return node;
  const ref = node.$ref;
  if (typeof ref === "string") {
    const name = /^#\/(?:definitions|\$defs)\/(.+)$/.exec(ref)?.[1];
    const target = name === undefined ? undefined : definitions[name];
    if (!isObject(target)) throw new Error(`unresolvable reference ${ref}`);
    const { $ref: _ref, ...rest } = node;
    return inline({ ...target, ...rest }, definitions, depth + 1);
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "definitions" || key === "$defs" || key === "$schema" || key === "example") continue;
    if (key === "oneOf") out.anyOf = inline(value, definitions, depth + 1);
    else if (key === "const") out.enum = [value];
    else out[key] = inline(value, definitions, depth + 1);
  }
  if (out.type === "object" && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** A self-contained JSON schema (no `$ref`) describing what the model should write. */
export function modelJsonSchema(schema: z.ZodType): Json {
  const raw = z.toJSONSchema(schema, { target: "draft-7", io: "input", unrepresentable: "any" }) as Json;
  const definitions = {
    ...(isObject(raw.definitions) ? raw.definitions : {}),
    ...(isObject(raw.$defs) ? raw.$defs : {}),
  };
  const inlined = inline(raw, definitions);
  if (!isObject(inlined) || inlined.type !== "object")
    throw new Error("a model schema must describe an object");
  return inlined;
}

/** For `generateObject`: the inlined JSON schema, validated with the zod schema (refinements included). */
export function modelSchema<T>(schema: z.ZodType<T>): Schema<T> {
  return jsonSchema<T>(modelJsonSchema(schema) as Parameters<typeof jsonSchema>[0], {
    validate: async (value) => {
      const result = await schema.safeParseAsync(value);
      return result.success ? { success: true, value: result.data } : { success: false, error: result.error };
    },
  });
}
