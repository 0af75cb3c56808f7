import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FAKE_POSTMARK_TOKEN,
  FAKE_RESEND_KEY,
  startFakeEmailProvider,
} from "../testing/node/fake-email-provider.ts";
import { PostmarkTransport, ResendTransport } from "./providers.ts";

let provider: Awaited<ReturnType<typeof startFakeEmailProvider>>;
beforeAll(async () => {
  provider = await startFakeEmailProvider();
});
afterAll(() => provider.close());

const message = (delivery: string) => ({
  kind: "campaign" as const,
  delivery,
  campaign: "camp",
  contact: "con",
  from: '"Ada" <ada@northwind.example>',
  to: `${delivery}@mail.example`,
  subject: "Hello",
  html: "<p>Hi</p>",
  text: "Hi",
  headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  links: [],
});
const control = (path: string, body: unknown) =>
  fetch(`${provider.url}${path}`, { method: "POST", body: JSON.stringify(body) });

describe("provider transports against the local provider server", () => {
  it("a rate-limited Resend answer carries its Retry-After; unreachable is transient", async () => {
    await control("/__reset", {});
    await control("/__config", { perSecond: 1 });
    const resend = new ResendTransport({ apiKey: FAKE_RESEND_KEY, baseUrl: `${provider.url}/resend` });
    expect((await resend.send([message("a")]))[0]).toMatchObject({ ok: true });
    expect((await resend.send([message("b")]))[0]).toEqual({
      ok: false,
      transient: true,
      error: "resend: HTTP 429 Too many requests",
      retryAfter: 1,
    });
    const down = new ResendTransport({ apiKey: FAKE_RESEND_KEY, baseUrl: "http://127.0.0.1:1" });
    expect((await down.send([message("c")]))[0]).toMatchObject({ ok: false, transient: true });
  });

  it("spaces requests to the account's rate instead of running into it", async () => {
    await control("/__reset", {});
    await control("/__config", { perSecond: 2 });
    const postmark = new PostmarkTransport({
      apiKey: FAKE_POSTMARK_TOKEN,
      baseUrl: `${provider.url}/postmark`,
      requestsPerSecond: 2,
    });
    const started = Date.now();
    const results = [];
    for (const id of ["p1", "p2", "p3", "p4"]) results.push(...(await postmark.send([message(id)])));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400); // 4 requests at 2/s: 0, 0.5, 1.0, 1.5 s
  });

  it("a wrong key is a final failure, not a retry", async () => {
    await control("/__reset", {});
    const resend = new ResendTransport({ apiKey: "re_wrong", baseUrl: `${provider.url}/resend` });
    expect((await resend.send([message("w")]))[0]).toMatchObject({ ok: false, transient: false });
  });
});
