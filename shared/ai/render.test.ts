import { describe, expect, it } from "vitest";
import type { EmailContent, EmailDraft, EventInviteContent } from "../schemas/assets.ts";
import {
  applyMergeTags,
  deriveAssetContent,
  findUnknownTags,
  type MergeContact,
  mergeValues,
  renderEmailHtml,
  renderEmailText,
  renderForContact,
} from "./render.ts";
import { BRAND } from "./test-fixtures.ts";

const ADA: MergeContact = {
  first_name: "Ada",
  last_name: "Lovelace",
  email: "ada@engines.example",
  company_name: "Analytical Engines",
};

const DRAFT: EmailDraft = {
  subject: '{{first_name}}, offline sync for {{company.name | "your team"}}',
  preview_text: "Work without signal.",
  heading: "Hello {{first_name}}",
  paragraphs: [
    'Hi {{first_name | "there"}},',
    "Offline sync is live at {{brand.name}}.",
    "Typo: {{frist_name}}",
  ],
  cta: { label: "See how it works", url: "https://fieldwise.io/?ref={{email}}" },
  signoff: "Talk soon,\nMaya",
};

describe("merge tags", () => {
  it("fills allow-listed tags from the contact and the brand", () => {
    const values = { first_name: "Ada", "company.name": "Analytical Engines", "brand.name": "Fieldwise" };
    expect(
      applyMergeTags("Hi {{first_name}} at {{ company.name }} from {{brand.name}}", values).content,
    ).toBe("Hi Ada at Analytical Engines from Fieldwise");
  });

  it("uses the quoted default, then a built-in one, when the value is empty", () => {
    expect(applyMergeTags('Hi {{company.name | "there"}}', { "company.name": null }).content).toBe(
      "Hi there",
    );
    expect(applyMergeTags("Hi {{company.name | 'friends'}}", { "company.name": "  " }).content).toBe(
      "Hi friends",
    );
    expect(applyMergeTags("Hi {{first_name}},", {}).content).toBe("Hi there,");
  });

  it("leaves unknown or malformed tags visible and reports each once", () => {
    const result = applyMergeTags(
      "{{first_name}} {{unsubscribe_url}} {{ first_name | there }} {{unsubscribe_url}}",
      {
        first_name: "Ada",
      },
    );
    expect(result.content).toBe("Ada {{unsubscribe_url}} {{ first_name | there }} {{unsubscribe_url}}");
    expect(result.unknownTags).toEqual(["{{unsubscribe_url}}", "{{ first_name | there }}"]);
    expect(findUnknownTags("{{constructor}} {{__proto__}}")).toEqual(["{{constructor}}", "{{__proto__}}"]);
  });

  it("escapes values in HTML but not in text", () => {
    const values = { first_name: '<script>alert("x")</script>' };
    expect(applyMergeTags("<p>Hi {{first_name}}</p>", values, "html").content).toBe(
      "<p>Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>",
    );
    expect(applyMergeTags("Hi {{first_name}}", values, "text").content).toBe(
      'Hi <script>alert("x")</script>',
    );
  });

  it("reads an HTML-escaped default without double-escaping it", () => {
    expect(applyMergeTags("Hi {{company.name | &quot;R&amp;D&quot;}}", {}, "html").content).toBe(
      "Hi R&amp;D",
    );
  });
});

describe("email rendering", () => {
  it("renders accessible, inline-styled HTML with the escaped postal address", () => {
    const brand = { ...BRAND, brand_name: "Fieldwise & Co", postal_address: '1 <Main> St\n"Suite" 2' };
    const html = renderEmailHtml({ ...DRAFT, paragraphs: ["Fast & <simple>"] }, brand);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('role="presentation"');
    expect(html).toContain('<h1 style="');
    expect(html).toContain("Fast &amp; &lt;simple&gt;");
    expect(html).toContain("Fieldwise &amp; Co<br>1 &lt;Main&gt; St<br>&quot;Suite&quot; 2");
    expect(html).not.toContain("<Main>");
    expect(html).not.toMatch(/<style|<script|class="/);
    expect(html).toContain('href="https://fieldwise.io/?ref={{email}}"');
  });

  it("renders a text body with the link spelled out and the address in the footer", () => {
    const text = renderEmailText(DRAFT, BRAND);
    expect(text).toContain("See how it works: https://fieldwise.io/?ref={{email}}");
    expect(text.endsWith("--\nFieldwise\n12 Harbour St\nBristol BS1 4RN, UK\n")).toBe(true);
  });
});

describe("renderForContact", () => {
  it("fills every text field and re-renders the email bodies, escaping only in HTML", () => {
    const stored = deriveAssetContent("email", DRAFT, BRAND);
    const hostile = { ...ADA, first_name: "<script>alert(1)</script>" };
    const { content, unknownTags } = renderForContact("email", stored, hostile, BRAND) as {
      content: EmailContent;
      unknownTags: string[];
    };
    expect(content.subject).toBe("<script>alert(1)</script>, offline sync for Analytical Engines");
    expect(content.paragraphs[1]).toBe("Offline sync is live at Fieldwise.");
    expect(content.cta.url).toBe("https://fieldwise.io/?ref=ada%40engines.example");
    expect(content.text_body).toContain("Hello <script>alert(1)</script>");
    expect(content.html_body).toContain("Hello &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(content.html_body).not.toContain("<script>");
    expect(unknownTags).toEqual(["{{frist_name}}"]);
    expect(content.html_body).toContain("Typo: {{frist_name}}");
  });

  it("gives the same HTML as filling the tags of the stored html_body directly", () => {
    const draft = { ...DRAFT, cta: { ...DRAFT.cta, url: "https://fieldwise.io/" } };
    const stored = deriveAssetContent("email", draft, BRAND);
    const contact = { ...ADA, first_name: 'O\'Brien & <Sons> "Ltd"', company_name: null };
    const viaFields = renderForContact("email", stored, contact, BRAND).content as EmailContent;
    const direct = applyMergeTags(stored.html_body, mergeValues(contact, BRAND), "html");
    expect(direct.content).toBe(viaFields.html_body);
    expect(direct.unknownTags).toEqual(["{{frist_name}}"]);
  });

  it("uses defaults for a contact without a company", () => {
    const stored = deriveAssetContent("email", DRAFT, BRAND);
    const { content } = renderForContact("email", stored, { ...ADA, company_name: null }, BRAND);
    expect(content.subject).toBe("Ada, offline sync for your team");
  });

  it("fills merge tags in other asset types too", () => {
    const invite: EventInviteContent = {
      subject: "{{first_name}}, you're invited",
      headline: "Join {{brand.name}}",
      body_paragraphs: ['Hi {{first_name | "there"}}'],
      details: { when_label: "Tue 3 Feb 2026", where_label: "Bristol" },
      cta_label: "Save my seat",
    };
    const { content } = renderForContact("event_invite", invite, ADA, BRAND);
    expect(content).toMatchObject({
      subject: "Ada, you're invited",
      headline: "Join Fieldwise",
      body_paragraphs: ["Hi Ada"],
    });
  });
});
