import { describe, expect, it } from "vitest";
import {
  DOMAIN_EXAMPLES,
  EMAIL_EXAMPLES,
  type ExampleTable,
  LINKEDIN_EXAMPLES,
  NAME_EXAMPLES,
  PHONE_EXAMPLES,
  TAG_EXAMPLES,
} from "./validation.examples.ts";
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
} from "./validation.ts";

/** A readable test title: JSON-escaped (control characters visible), long runs abbreviated. */
function show(value: string): string {
  const escaped = JSON.stringify(value).replace(
    /(.)\1{9,}/gu,
    (run, char: string) => `${char}×${run.length}`,
  );
  return `${escaped} (${value.length} chars)`;
}

function checkTable(table: ExampleTable, isValid: (value: string) => boolean): void {
  it("has 8-20 examples on each side, none on both", () => {
    for (const side of [table.valid, table.invalid]) {
      expect(side.length).toBeGreaterThanOrEqual(8);
      expect(side.length).toBeLessThanOrEqual(20);
    }
    expect(table.valid.filter((value) => table.invalid.includes(value))).toEqual([]);
  });
  for (const value of table.valid) {
    it(`accepts ${show(value)}`, () => {
      expect(isValid(value)).toBe(true);
    });
  }
  for (const value of table.invalid) {
    it(`refuses ${show(value)}`, () => {
      expect(isValid(value)).toBe(false);
    });
  }
}

describe("email", () => {
  describe("isValidEmail", () => {
    checkTable(EMAIL_EXAMPLES, isValidEmail);
  });

  it("has the documented length edges in its table", () => {
    const lengths = [...EMAIL_EXAMPLES.valid, ...EMAIL_EXAMPLES.invalid].map((email) => email.length);
    expect(lengths).toContain(LIMITS.emailLength);
    expect(lengths).toContain(LIMITS.emailLength + 1);
    expect(EMAIL_EXAMPLES.valid).toContain(`${"l".repeat(LIMITS.emailLocalLength)}@example.com`);
  });

  it("stores the valid examples as they are (already normalised)", () => {
    for (const email of EMAIL_EXAMPLES.valid) expect(normalizeEmail(email)).toBe(email);
  });

  it.each([
    [" Ada@Example.COM ", "ada@example.com"],
    ["\tADA.LOVELACE@EXAMPLE.CO.UK\n", "ada.lovelace@example.co.uk"],
    ["ada@example.com", "ada@example.com"],
  ])("normalizeEmail(%j) -> %j", (raw, expected) => {
    expect(normalizeEmail(raw)).toBe(expected);
    expect(isValidEmail(normalizeEmail(raw))).toBe(true);
  });
});

describe("phone", () => {
  describe("isValidPhone", () => {
    checkTable(PHONE_EXAMPLES, isValidPhone);
  });

  it("counts the length bounds exactly (7 and 20 accepted, 6 and 21 refused)", () => {
    expect(isValidPhone("1".repeat(LIMITS.phoneMin))).toBe(true);
    expect(isValidPhone("1".repeat(LIMITS.phoneMin - 1))).toBe(false);
    expect(isValidPhone("1".repeat(LIMITS.phoneMax))).toBe(true);
    expect(isValidPhone("1".repeat(LIMITS.phoneMax + 1))).toBe(false);
  });
});

describe("linkedin_url", () => {
  describe("isValidLinkedinUrl", () => {
    checkTable(LINKEDIN_EXAMPLES, isValidLinkedinUrl);
  });
});

describe("names", () => {
  describe("isValidName", () => {
    checkTable(NAME_EXAMPLES, (name) => isValidName(name));
  });

  it("stores the valid examples trimmed", () => {
    for (const name of NAME_EXAMPLES.valid) expect(name.trim()).toBe(name);
  });

  it("accepts a longer maximum when one is given (company names: 200)", () => {
    expect(isValidName("x".repeat(150))).toBe(false);
    expect(isValidName("x".repeat(LIMITS.companyNameLength), LIMITS.companyNameLength)).toBe(true);
    expect(isValidName("x".repeat(LIMITS.companyNameLength + 1), LIMITS.companyNameLength)).toBe(false);
    expect(isValidName("Acme\tLtd", LIMITS.companyNameLength)).toBe(false);
  });

  it("refuses every C0 and C1 control character", () => {
    const controls = [
      ...Array.from({ length: 0x20 }, (_, code) => code),
      ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i),
    ];
    expect(controls).toHaveLength(65);
    for (const code of controls) {
      expect(isValidName(`Ada${String.fromCharCode(code)}Lovelace`), `U+${code.toString(16)}`).toBe(false);
    }
    // The neighbours are fine: a space, "~" and U+00A0 (no-break space).
    expect(isValidName("Ada Lovelace~\u00a0")).toBe(true);
  });
});

describe("tags", () => {
  describe("isValidTag", () => {
    checkTable(TAG_EXAMPLES, isValidTag);
  });

  it("counts characters, not UTF-16 units (50 CJK letters accepted, 51 refused)", () => {
    expect(isValidTag("日".repeat(LIMITS.tagLength))).toBe(true);
    expect(isValidTag("日".repeat(LIMITS.tagLength + 1))).toBe(false);
  });

  it("stores the valid examples normalised", () => {
    for (const tag of TAG_EXAMPLES.valid) expect(normalizeTag(tag)).toBe(tag);
  });

  it.each([
    ["  VIP  ", "vip"],
    ["Early_Adopter", "early_adopter"],
    ["ÜNÏCÖDÉ", "ünïcödé"],
    ["\tfounder\n", "founder"],
    ["vip", "vip"],
  ])("normalizeTag(%j) -> %j", (raw, expected) => {
    expect(normalizeTag(raw)).toBe(expected);
  });

  it("normalizeTags trims, lowercases and drops duplicates, keeping the first position", () => {
    expect(normalizeTags([" Founder", "VIP", "founder ", "fintech", "vip", "FinTech", "ai"])).toEqual([
      "founder",
      "vip",
      "fintech",
      "ai",
    ]);
  });

  it("normalizeTags keeps an already-normalised list as it is and handles the empty list", () => {
    expect(normalizeTags(["b", "a", "c"])).toEqual(["b", "a", "c"]);
    expect(normalizeTags([])).toEqual([]);
  });

  it("normalizeTags does not change its input", () => {
    const input = ["B", "b"];
    normalizeTags(input);
    expect(input).toEqual(["B", "b"]);
  });
});

describe("company domain", () => {
  describe("isValidDomain", () => {
    checkTable(DOMAIN_EXAMPLES, isValidDomain);
  });

  it("stores the valid examples normalised", () => {
    for (const domain of DOMAIN_EXAMPLES.valid) expect(normalizeDomain(domain)).toBe(domain);
  });

  it.each([
    ["https://www.Acme.com/", "acme.com"],
    ["http://acme.com", "acme.com"],
    ["HTTPS://WWW.ACME.COM", "acme.com"],
    ["www.acme.com", "acme.com"],
    ["acme.com/", "acme.com"],
    ["acme.com///", "acme.com"],
    ["acme.com.", "acme.com"],
    ["https://www.acme.com./", "acme.com"],
    ["  Acme.COM  ", "acme.com"],
    ["ftp://files.acme.com", "files.acme.com"],
    ["sub.www.acme.com", "sub.www.acme.com"],
    ["acme.com", "acme.com"],
  ])("normalizeDomain(%j) -> %j", (raw, expected) => {
    expect(normalizeDomain(raw)).toBe(expected);
    expect(isValidDomain(normalizeDomain(raw))).toBe(true);
  });

  it.each([
    ["https://acme.com/about", "acme.com/about"],
    ["acme.com:8080", "acme.com:8080"],
    ["https://acme", "acme"],
  ])("normalizeDomain(%j) keeps what makes it invalid (%j)", (raw, expected) => {
    expect(normalizeDomain(raw)).toBe(expected);
    expect(isValidDomain(normalizeDomain(raw))).toBe(false);
  });
});
