/**
 * Example values for the field rules in `validation.ts`, shared by the domain unit tests and the
 * database schema-agreement test (which checks that the SCHEMAFULL ASSERTs accept and refuse exactly
 * the same values). Every value is written as it would be STORED: already trimmed and normalised
 * (lowercase emails, tags and domains), so that a table can be fed straight to the database.
 */

export interface ExampleTable {
  readonly valid: readonly string[];
  readonly invalid: readonly string[];
}

/** A dot-separated run of full 63-character labels, for building long emails and domains. */
const label63 = (letter: string): string => letter.repeat(63);

// local part 64 + "@" + domain 189 (63 + 1 + 63 + 1 + 57 + ".com") = 254 characters.
const EMAIL_254 = `${"l".repeat(64)}@${label63("a")}.${label63("b")}.${"c".repeat(57)}.com`;
// The same with one more character in the domain: 255 characters.
const EMAIL_255 = `${"l".repeat(64)}@${label63("a")}.${label63("b")}.${"c".repeat(58)}.com`;

export const EMAIL_EXAMPLES: ExampleTable = {
  valid: [
    "ada@example.com",
    "ada.lovelace@example.co.uk",
    "a@b.io",
    "first+crm@sub.domain.example",
    "o'brien@example.ie",
    "user_name-1@my-host.example.org",
    "x!#$%&'*+/=?^_`{|}~-y@example.com",
    "123@example.com",
    `${"l".repeat(64)}@example.com`, // local part of exactly 64 characters
    EMAIL_254, // exactly 254 characters
  ],
  invalid: [
    "",
    "ada",
    "ada@",
    "@example.com",
    "ada@example", // no TLD
    "ada@example.c", // one-letter TLD
    "ada@example.c0m", // TLD must be letters
    "ada..lovelace@example.com", // doubled dot
    ".ada@example.com", // leading dot
    "ada.@example.com", // trailing dot in the local part
    "ada@example..com",
    "ada@-example.com", // label starting with a hyphen
    "ada lovelace@example.com",
    "josé@example.com", // not ASCII
    "ada@@example.com",
    "Ada@Example.com", // not normalised (stored emails are lowercase)
    `${"l".repeat(65)}@example.com`, // local part of 65 characters
    `${"a".repeat(32)}.${"b".repeat(32)}@example.com`, // local part of 65 characters, with a dot
    EMAIL_255, // 255 characters
  ],
};

export const PHONE_EXAMPLES: ExampleTable = {
  valid: [
    "+44 20 7946 0958",
    "1234567", // 7 characters
    "(555) 123-4567",
    "+1.555.123.4567",
    "555-0100",
    "+1 (555) 010-0199",
    "12345678901234567890", // 20 characters
    "1------", // 7 characters, one digit
  ],
  invalid: [
    "",
    "123456", // 6 characters
    "123456789012345678901", // 21 characters
    "-------", // no digit
    "(+) -.()", // no digit
    "555-CALL-NOW",
    "+44 20 7946 0958 x12",
    "555_123_4567",
    "555/123/4567",
    "+44\t20 7946 0958",
    "１２３４５６７", // full-width digits
    "555-123-4567#",
  ],
};

export const LINKEDIN_EXAMPLES: ExampleTable = {
  valid: [
    "https://www.linkedin.com/in/ada-lovelace",
    "https://linkedin.com/in/ada",
    "http://www.linkedin.com/in/ada_lovelace/",
    "http://linkedin.com/in/ab/",
    "https://www.linkedin.com/in/jos%C3%A9-garcia",
    "https://www.linkedin.com/in/AdaLovelace1815",
    "https://www.linkedin.com/in/ada-lovelace-1a2b3c4d/",
    `https://www.linkedin.com/in/${"h".repeat(100)}`, // 100-character handle
  ],
  invalid: [
    "",
    "linkedin.com/in/ada", // no protocol
    "www.linkedin.com/in/ada",
    "ftp://www.linkedin.com/in/ada",
    "https://www.linkedin.com/company/acme",
    "https://www.linkedin.com/in/",
    "https://uk.linkedin.com/in/ada",
    "https://www.linkedin.com/in/ada?trk=profile",
    "https://www.linkedin.com/in/ada/details",
    "https://www.linkedin.com/in/ada//",
    "https://www.linkedin.co/in/ada",
    "https://www.linkedin.com.evil.example/in/ada",
    "https://www.linkedin.com/in/josé",
    "https://www.linkedin.com/in/ada lovelace",
    `https://www.linkedin.com/in/${"h".repeat(101)}`, // 101-character handle
  ],
};

export const NAME_EXAMPLES: ExampleTable = {
  valid: [
    "Ada",
    "A", // 1 character
    "José",
    "Zoë",
    "王",
    "O'Brien",
    "Jean-Luc",
    "María José de la Cruz",
    "Nguyễn",
    "Σωκράτης",
    "Ada 🚀", // emoji
    "👩‍💻", // emoji ZWJ sequence (U+200D is a format character, not a control character)
    "x".repeat(100), // 100 characters
  ],
  invalid: [
    "",
    "x".repeat(101), // 101 characters
    "Ada\tLovelace", // tab
    "Ada\nLovelace", // newline
    "Ada\rLovelace",
    "Ada\u0085Lovelace", // NEXT LINE (C1 control)
    "Ada\u0000",
    "Ada\u007f", // DELETE
    "\u001b[31mAda", // ANSI escape
    "Ada\u009f",
  ],
};

export const TAG_EXAMPLES: ExampleTable = {
  valid: [
    "vip",
    "a", // 1 character
    "founder",
    "fintech-2026",
    "early_adopter",
    "q3",
    "café",
    "日本",
    "ünïcödé",
    "٣", // ARABIC-INDIC DIGIT THREE
    "x".repeat(50), // 50 characters
  ],
  invalid: [
    "",
    "x".repeat(51), // 51 characters
    "big deal",
    "a.b",
    "c++",
    "#vip",
    "vip!",
    "a/b",
    "vip,founder",
    "tab\there",
    "🔥",
  ],
};

// Four labels, three of 63 characters: 63 * 3 + 3 dots + 57 + ".com" = 253 characters.
const DOMAIN_253 = `${label63("a")}.${label63("b")}.${label63("c")}.${"d".repeat(57)}.com`;
const DOMAIN_254 = `${label63("a")}.${label63("b")}.${label63("c")}.${"d".repeat(58)}.com`;

export const DOMAIN_EXAMPLES: ExampleTable = {
  valid: [
    "acme.com",
    "x.io",
    "sub.acme.co.uk",
    "my-company.io",
    "123.example.org",
    "acme.technology", // 10-letter TLD
    "xn--bcher-kva.de", // punycode label
    "a-b-c.dev",
    DOMAIN_253, // 253 characters
  ],
  invalid: [
    "",
    "acme", // no dot
    "acme.c", // one-letter TLD
    "acme.international", // 13-letter TLD
    "acme.c0m",
    "acme.com/about", // path
    "acme.com:8080", // port
    "https://acme.com", // protocol
    "-acme.com",
    "acme-.com",
    "acme..com",
    ".acme.com",
    "acme.com.", // trailing dot
    "acme_corp.com",
    "acme .com",
    "bücher.de", // not ASCII
    "Acme.com", // not normalised (stored domains are lowercase)
    DOMAIN_254, // 254 characters
  ],
};
