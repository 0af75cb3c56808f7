import { describe, expect, it } from "vitest";
import { ASSET_DRAFT_SCHEMAS, TimelineSummarySchema } from "../schemas/assets.ts";
import { modelJsonSchema } from "./model-schema.ts";

type Node = Record<string, unknown>;

/** Every object schema inside `node`, depth first. */
function objects(node: unknown, into: Node[] = []): Node[] {
  if (Array.isArray(node)) for (const item of node) objects(item, into);
  else if (typeof node === "object" && node !== null) {
    const record = node as Node;
    if (record.type === "object") into.push(record);
    for (const value of Object.values(record)) objects(value, into);
  }
  return into;
}

describe("modelJsonSchema", () => {
  const schemas = { ...ASSET_DRAFT_SCHEMAS, timeline_summary: TimelineSummarySchema };

  it.each(Object.entries(schemas))(
    "gives %s as one self-contained, closed object schema",
    (_name, schema) => {
      const json = modelJsonSchema(schema);
      expect(json.type).toBe("object");
      const text = JSON.stringify(json);
      expect(text).not.toContain("$ref");
      expect(text).not.toContain("oneOf");
      for (const object of objects(json)) {
        expect(object.additionalProperties).toBe(false);
        // Structured output modes want every property listed as required (nullable instead of optional).
        expect([...((object.required as string[]) ?? [])].sort()).toEqual(
          Object.keys(object.properties as Node).sort(),
        );
      }
    },
  );

  it("keeps the field descriptions", () => {
    expect(JSON.stringify(modelJsonSchema(ASSET_DRAFT_SCHEMAS.email))).toContain("May use merge tags");
  });
});
