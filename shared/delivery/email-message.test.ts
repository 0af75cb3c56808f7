import { describe, expect, it } from "vitest";
import { deriveAssetContent } from "../ai/render.ts";
import type { EmailContent } from "../schemas/assets.ts";
import { DEFAULT_BRAND_SETTINGS } from "../schemas/settings.ts";
import { buildEmailMessage, senderOf } from "./email-message.ts";
import { TokenSigner } from "./tokens.ts";

const brand = {
  ...DEFAULT_BRAND_SETTINGS,
  brand_name: "Northwind <Labs>",
  postal_address: "1 Market St\nSpringfield",
  default_sender_name: 'Ada "the founder"',
  default_sender_email: "ada@northwind.example",
};
const content = deriveAssetContent(
  "email",
  {
    subject: "{{first_name}}, your early access",
    preview_text: "Inside: the trial",
    heading: 'Hello {{company.name | "there"}}',
    paragraphs: ["Dear {{first_name}},", "We built it for you."],
    cta: { label: "Start", url: "https://northwind.example/start?who={{first_name}}" },
    signoff: "Ada",
  },
  brand,
) as EmailContent;
const signer = new TokenSigner("a tracking secret that is long enough!!");
const context = {
  publicBaseUrl: "https://crm.example.com",
  brand,
  from: senderOf(brand) ?? "",
  unsubscribeMailbox: "unsubscribe@northwind.example",
  signer,
};
const recipient = {
  delivery: "del1",
  campaign: "camp1",
  contact: "con1",
  first_name: "<Grace>",
  last_name: "Hopper",
  email: "grace@navy.example",
  company_name: null,
};

describe("a recipient's email", () => {
  it("merges, escapes, tracks the call to action, and carries unsubscribe links and headers", async () => {
    const message = await buildEmailMessage(content, recipient, context);
    expect(message.from).toBe('"Ada the founder" <ada@northwind.example>');
    expect(message.to).toBe("grace@navy.example");
    expect(message.subject).toBe("<Grace>, your early access");
    expect(message.html).toContain("Dear &lt;Grace&gt;,");
    expect(message.html).not.toContain("<Grace>");
    expect(message.html).toContain("Hello there");
    expect(message.text).toContain("Dear <Grace>,");
    // The button goes through a click token that leads to the merged link, and only to it.
    expect(message.links).toEqual(["https://northwind.example/start?who=%3CGrace%3E"]);
    const click = /href="https:\/\/crm\.example\.com\/t\/c\/([^"]+)"/.exec(message.html)?.[1] ?? "";
    expect(await signer.verify(click, "click")).toEqual({
      kind: "click",
      delivery: "del1",
      url: "https://northwind.example/start?who=%3CGrace%3E",
    });
    const pixel = /src="https:\/\/crm\.example\.com\/t\/o\/([^"]+)"/.exec(message.html)?.[1] ?? "";
    expect(await signer.verify(pixel, "open")).toEqual({ kind: "open", delivery: "del1" });
    const unsubscribe = /https:\/\/crm\.example\.com\/u\/([A-Za-z0-9_.-]+)/.exec(message.text)?.[1] ?? "";
    expect(await signer.verify(unsubscribe, "unsubscribe")).toEqual({
      kind: "unsubscribe",
      delivery: "del1",
    });
    expect(message.headers).toEqual({
      "List-Unsubscribe": `<https://crm.example.com/u/${unsubscribe}>, <mailto:unsubscribe@northwind.example?subject=unsubscribe%20${unsubscribe}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      "X-CRM-Delivery": "del1",
    });
    // The footer: the brand (escaped), its postal address, and the unsubscribe link.
    expect(message.html).toContain("Northwind &lt;Labs&gt;<br>1 Market St<br>Springfield<br><a href=");
    expect(message.text).toContain(
      "Northwind <Labs>\n1 Market St\nSpringfield\nUnsubscribe: https://crm.example.com/u/",
    );
  });

  it("no sender address, no sender", () => {
    expect(senderOf({ ...brand, default_sender_email: null })).toBeUndefined();
  });
});
