import { describe, expect, it } from "vitest";
import {
  postmarkEvents,
  resendEvents,
  svixHeaders,
  verifyBasicAuth,
  verifySvixSignature,
} from "./provider-events.ts";

const SECRET = `whsec_${btoa("a signing secret of 32 bytes!!!!")}`;
const BODY = JSON.stringify({
  type: "email.bounced",
  data: { email_id: "e1", to: ["Bounced@Mail.example"] },
});

describe("Svix signatures (Resend webhooks)", () => {
  it("accepts its own signature and any of several; refuses edits, other secrets, old timestamps", async () => {
    const now = Date.now();
    const headers = await svixHeaders(SECRET, "msg_1", BODY, now);
    expect(await verifySvixSignature(SECRET, headers, BODY, now)).toBe(true);
    expect(
      await verifySvixSignature(
        SECRET,
        { ...headers, signature: `v1,bogus ${headers.signature}` },
        BODY,
        now,
      ),
    ).toBe(true);
    expect(await verifySvixSignature(SECRET, headers, `${BODY} `, now)).toBe(false);
    expect(await verifySvixSignature(SECRET, { ...headers, id: "msg_2" }, BODY, now)).toBe(false);
    expect(await verifySvixSignature(`whsec_${btoa("another secret entirely")}`, headers, BODY, now)).toBe(
      false,
    );
    expect(await verifySvixSignature(SECRET, headers, BODY, now + 6 * 60_000)).toBe(false);
    expect(await verifySvixSignature(SECRET, { ...headers, signature: null }, BODY, now)).toBe(false);
    expect(await verifySvixSignature(SECRET, { ...headers, timestamp: "soon" }, BODY, now)).toBe(false);
  });
});

describe("Basic credentials (Postmark webhooks)", () => {
  it("accepts exactly the configured pair", async () => {
    expect(await verifyBasicAuth(`Basic ${btoa("pm:a long password")}`, "pm", "a long password")).toBe(true);
    expect(await verifyBasicAuth(`Basic ${btoa("pm:wrong password")}`, "pm", "a long password")).toBe(false);
    expect(await verifyBasicAuth(undefined, "pm", "a long password")).toBe(false);
    expect(await verifyBasicAuth("Basic !!!", "pm", "a long password")).toBe(false);
  });
});

describe("events", () => {
  it("Resend: bounced and complained, normalised; other types ignored", () => {
    expect(resendEvents(JSON.parse(BODY))).toEqual([
      { kind: "bounced", email: "bounced@mail.example", providerMessageId: "e1", delivery: null },
    ]);
    expect(
      resendEvents({ type: "email.complained", data: { email_id: "e2", to: "c@mail.example" } }),
    ).toEqual([{ kind: "complained", email: "c@mail.example", providerMessageId: "e2", delivery: null }]);
    expect(resendEvents({ type: "email.delivered", data: { to: ["x@mail.example"] } })).toEqual([]);
    expect(resendEvents(null)).toEqual([]);
  });

  it("Postmark: hard bounces and spam complaints; soft bounces suppress nothing", () => {
    expect(
      postmarkEvents({
        RecordType: "Bounce",
        Type: "HardBounce",
        Email: "h@mail.example",
        MessageID: "m1",
        Metadata: { delivery: "d1" },
      }),
    ).toEqual([{ kind: "bounced", email: "h@mail.example", providerMessageId: "m1", delivery: "d1" }]);
    expect(postmarkEvents({ RecordType: "SpamComplaint", Email: "s@mail.example" })).toEqual([
      { kind: "complained", email: "s@mail.example", providerMessageId: null, delivery: null },
    ]);
    expect(postmarkEvents({ RecordType: "Bounce", Type: "SoftBounce", Email: "t@mail.example" })).toEqual([]);
    expect(postmarkEvents({ RecordType: "Delivery", Email: "t@mail.example" })).toEqual([]);
  });
});
