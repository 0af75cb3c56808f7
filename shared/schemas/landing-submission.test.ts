import { describe, expect, it } from "vitest";
import { type FormBlock, parseSubmission } from "./landing-submission.ts";

const FORM: FormBlock = {
  type: "form",
  submit_label: "Send",
  fields: [
    { name: "first_name", label: "First name", type: "text", required: true, options: null },
    { name: "email", label: "Email", type: "email", required: true, options: null },
    { name: "phone", label: "Phone", type: "tel", required: false, options: null },
    { name: "team_size", label: "Team size", type: "select", required: false, options: ["1-10", "11-50"] },
    { name: "message", label: "Message", type: "textarea", required: false, options: null },
  ],
};

describe("a landing page form submission", () => {
  it("keeps the page's fields (normalised), drops empty optional ones and anything not on the page", () => {
    const parsed = parseSubmission(
      FORM,
      {
        first_name: " Ada ",
        email: " Ada@Example.COM ",
        phone: "",
        team_size: "1-10",
        message: "Line one\nline two",
        is_admin: "true",
        _consent: "yes",
      },
      true,
    );
    expect(parsed).toEqual({
      ok: true,
      consent: true,
      values: {
        first_name: "Ada",
        email: "ada@example.com",
        team_size: "1-10",
        message: "Line one\nline two",
      },
    });
  });

  it("names every refused field: required, format, choice, control characters, consent", () => {
    const parsed = parseSubmission(
      FORM,
      { first_name: "", email: "nope", phone: "call me", team_size: "1000+", message: "bell\u0007" },
      true,
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues.map((issue) => issue.field)).toEqual([
      "first_name",
      "email",
      "phone",
      "team_size",
      "message",
      "_consent",
    ]);
    expect(parsed.issues[0]?.message).toBe("First name is required");
    expect(parsed.issues[3]?.message).toBe("must be one of the choices");
  });

  it("takes JSON values: numbers and booleans as text, objects refused; consent as true", () => {
    const parsed = parseSubmission(FORM, { first_name: 42, email: "a@b.co", _consent: true }, true);
    expect(parsed).toEqual({ ok: true, consent: true, values: { first_name: "42", email: "a@b.co" } });
    const refused = parseSubmission(FORM, { first_name: { $gt: "" }, email: ["a@b.co"] }, false);
    expect(refused.ok || refused.issues).toEqual([
      { field: "first_name", message: "must be text" },
      { field: "email", message: "must be text" },
    ]);
  });

  it("does not ask for consent when the page shows no checkbox (and ignores an unticked one)", () => {
    expect(parseSubmission(FORM, { first_name: "A", email: "a@b.co" }, false)).toMatchObject({
      ok: true,
      consent: false,
    });
    expect(parseSubmission(FORM, { first_name: "A", email: "a@b.co", _consent: "no" }, true).ok).toBe(false);
  });

  it("checks contact fields by their name (a phone is a phone whatever the input)", () => {
    const odd: FormBlock = {
      ...FORM,
      fields: [
        ...FORM.fields.slice(0, 2),
        { name: "phone", label: "Phone", type: "text", required: true, options: null },
      ],
    };
    const parsed = parseSubmission(odd, { first_name: "A", email: "a@b.co", phone: "call me maybe" }, false);
    expect(parsed.ok || parsed.issues.map((issue) => issue.field)).toEqual(["phone"]);
  });

  it("keeps markup as typed text (rendering escapes it)", () => {
    const text = '<script>alert("x")</script>';
    expect(parseSubmission(FORM, { first_name: text, email: "a@b.co", message: text }, false)).toMatchObject({
      ok: true,
      values: { first_name: text, message: text },
    });
  });
});
