import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { DOMAIN_EXAMPLES } from "../domain/validation.examples.ts";
import {
  COMPANY_SIZES,
  COMPANY_SORT_FIELDS,
  CompanyCreateSchema,
  CompanyListQuerySchema,
  CompanyPatchSchema,
} from "./index.ts";

/** A short rendering of a test input for failure messages. */
function preview(input: unknown): string {
  const json = JSON.stringify(input) ?? String(input);
  return json.length > 200 ? `${json.slice(0, 200)}…` : json;
}

/** Parses and returns the data, failing the test with the issues when the input is refused. */
function accepted<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new Error(`expected ${preview(input)} to be accepted: ${JSON.stringify(result.error.issues)}`);
  }
  return result.data;
}

/** Parses and returns the issues, failing the test when the input is accepted. */
function refused(schema: z.ZodType, input: unknown): z.core.$ZodIssue[] {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`expected ${preview(input)} to be refused`);
  return result.error.issues;
}

/** The first path segment of every issue: the fields the error names. */
function fields(issues: readonly z.core.$ZodIssue[]): PropertyKey[] {
  return issues.map((issue) => issue.path[0] ?? "(root)");
}

function unrecognizedKeys(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => (issue.code === "unrecognized_keys" ? issue.keys : []));
}

const ACME = { name: "Acme" } as const;

describe("CompanyCreateSchema", () => {
  it("accepts a name alone and defaults tags to []", () => {
    expect(accepted(CompanyCreateSchema, ACME)).toEqual({ name: "Acme", tags: [] });
  });

  it("accepts every field", () => {
    const input = { name: "Acme Ltd", domain: "acme.com", industry: "Fintech", size: "11-50", tags: ["b2b"] };
    expect(accepted(CompanyCreateSchema, input)).toEqual(input);
  });

  it.each([
    ["https://www.Acme.com/", "acme.com"],
    ["http://acme.com", "acme.com"],
    ["www.acme.com", "acme.com"],
    ["ACME.COM.", "acme.com"],
    ["  acme.co.uk/ ", "acme.co.uk"],
    ["https://www.shop.acme.io//", "shop.acme.io"],
  ])("normalises the domain %j to %j", (domain, expected) => {
    expect(accepted(CompanyCreateSchema, { ...ACME, domain }).domain).toBe(expected);
  });

  it("accepts the valid domain examples unchanged", () => {
    for (const domain of DOMAIN_EXAMPLES.valid) {
      expect(accepted(CompanyCreateSchema, { ...ACME, domain }).domain).toBe(domain);
    }
  });

  it.each([
    "",
    "acme",
    "localhost",
    "acme.c",
    "acme.international",
    "https://acme.com/about",
    "acme.com:8080",
    "acme..com",
    "-acme.com",
    "acme_corp.com",
    "bücher.de",
    "https://",
    "user@acme.com",
  ])("refuses the domain %j, naming the field", (domain) => {
    expect(fields(refused(CompanyCreateSchema, { ...ACME, domain }))).toEqual(["domain"]);
  });

  it("trims the name and allows up to 200 characters", () => {
    expect(accepted(CompanyCreateSchema, { name: "  Acme Ltd\n" }).name).toBe("Acme Ltd");
    expect(accepted(CompanyCreateSchema, { name: "x".repeat(200) }).name).toHaveLength(200);
  });

  it.each(["", "   ", "x".repeat(201), "Acme\tLtd", "Acme\u0085Ltd", 7])("refuses the name %j", (name) => {
    expect(fields(refused(CompanyCreateSchema, { name }))).toEqual(["name"]);
  });

  it("requires a name", () => {
    expect(fields(refused(CompanyCreateSchema, { domain: "acme.com" }))).toEqual(["name"]);
  });

  it.each(COMPANY_SIZES)("accepts the size %s", (size) => {
    expect(accepted(CompanyCreateSchema, { ...ACME, size }).size).toBe(size);
  });

  it("has eight size bands", () => {
    expect(COMPANY_SIZES).toEqual([
      "1-10",
      "11-50",
      "51-200",
      "201-500",
      "501-1000",
      "1001-5000",
      "5001-10000",
      "10001+",
    ]);
  });

  it.each(["1-9", "10000+", "large", "", 50])("refuses the size %j", (size) => {
    expect(fields(refused(CompanyCreateSchema, { ...ACME, size }))).toEqual(["size"]);
  });

  it("trims the industry and allows 1-100 characters", () => {
    expect(accepted(CompanyCreateSchema, { ...ACME, industry: " Fintech " }).industry).toBe("Fintech");
    expect(accepted(CompanyCreateSchema, { ...ACME, industry: "x".repeat(100) }).industry).toHaveLength(100);
    expect(fields(refused(CompanyCreateSchema, { ...ACME, industry: "x".repeat(101) }))).toEqual([
      "industry",
    ]);
    expect(fields(refused(CompanyCreateSchema, { ...ACME, industry: "  " }))).toEqual(["industry"]);
  });

  it("normalises tags and drops duplicates", () => {
    expect(accepted(CompanyCreateSchema, { ...ACME, tags: ["B2B", "saas", " b2b "] }).tags).toEqual([
      "b2b",
      "saas",
    ]);
    expect(
      refused(CompanyCreateSchema, { ...ACME, tags: ["ok", "not ok"] }).map((issue) => issue.path),
    ).toEqual([["tags", 1]]);
  });

  it.each(["id", "created_at", "updated_at", "website"])(
    "rejects the unknown or server-owned key %s",
    (key) => {
      expect(unrecognizedKeys(refused(CompanyCreateSchema, { ...ACME, [key]: "x" }))).toEqual([key]);
    },
  );

  it("refuses null for optional fields on create", () => {
    expect(fields(refused(CompanyCreateSchema, { ...ACME, domain: null }))).toEqual(["domain"]);
  });
});

describe("CompanyPatchSchema", () => {
  it("refuses an empty object", () => {
    expect(refused(CompanyPatchSchema, {}).map((issue) => issue.message)).toEqual([
      "send at least one field to change",
    ]);
  });

  it("accepts null for domain, industry and size (clears them)", () => {
    const patch = { domain: null, industry: null, size: null };
    expect(accepted(CompanyPatchSchema, patch)).toEqual(patch);
  });

  it.each(["name", "tags"])("refuses null for %s", (field) => {
    expect(fields(refused(CompanyPatchSchema, { [field]: null }))).toEqual([field]);
  });

  it("normalises like create does", () => {
    expect(
      accepted(CompanyPatchSchema, { domain: "https://www.Acme.com/", name: " Acme ", tags: ["X", "x"] }),
    ).toEqual({ domain: "acme.com", name: "Acme", tags: ["x"] });
  });

  it.each([
    ["name", "Acme Ltd"],
    ["domain", "acme.io"],
    ["industry", "Retail"],
    ["size", "10001+"],
    ["tags", []],
  ])("accepts a patch of only %s", (field, value) => {
    expect(accepted(CompanyPatchSchema, { [field]: value })).toEqual({ [field]: value });
  });

  it("refuses invalid values, naming the field, and unknown keys", () => {
    expect(fields(refused(CompanyPatchSchema, { domain: "acme" }))).toEqual(["domain"]);
    expect(fields(refused(CompanyPatchSchema, { size: "huge" }))).toEqual(["size"]);
    expect(unrecognizedKeys(refused(CompanyPatchSchema, { name: "Acme", id: "abc" }))).toEqual(["id"]);
  });
});

describe("CompanyListQuerySchema", () => {
  it("defaults limit to 50 and sort to name", () => {
    expect(accepted(CompanyListQuerySchema, {})).toEqual({ limit: 50, sort: "name" });
  });

  it("coerces limit and caps it at 200", () => {
    expect(accepted(CompanyListQuerySchema, { limit: "200" }).limit).toBe(200);
    expect(fields(refused(CompanyListQuerySchema, { limit: "201" }))).toEqual(["limit"]);
  });

  it("accepts every sort field, ascending and descending, and refuses others", () => {
    for (const field of COMPANY_SORT_FIELDS) {
      expect(accepted(CompanyListQuerySchema, { sort: field }).sort).toBe(field);
      expect(accepted(CompanyListQuerySchema, { sort: `-${field}` }).sort).toBe(`-${field}`);
    }
    expect(fields(refused(CompanyListQuerySchema, { sort: "domain" }))).toEqual(["sort"]);
    expect(fields(refused(CompanyListQuerySchema, { sort: "engagement_score" }))).toEqual(["sort"]);
  });

  it("accepts tag as a single string or an array, and filters by size and industry", () => {
    expect(
      accepted(CompanyListQuerySchema, {
        tag: "SaaS",
        size: "1-10",
        industry: " Fintech ",
        search: " acme ",
      }),
    ).toEqual({ limit: 50, sort: "name", tag: ["saas"], size: "1-10", industry: "Fintech", search: "acme" });
    expect(accepted(CompanyListQuerySchema, { tag: ["a", "b"] }).tag).toEqual(["a", "b"]);
    expect(fields(refused(CompanyListQuerySchema, { size: "huge" }))).toEqual(["size"]);
  });
});
