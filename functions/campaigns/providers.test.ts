import { env } from "cloudflare:test";
import { svixHeaders } from "@crm/shared/delivery";
import type { Campaign, CampaignRun, Contact, Delivery, TimelineEntry } from "@crm/shared/schemas";
import { beforeEach, describe, expect, it } from "vitest";
import { freshApi, type TestApi, withDatabase } from "../app/test-client.ts";
import { CapturedQueue } from "../app/test-queue.ts";

/**
 * The Resend and Postmark transports against a local server that checks each provider's documented
 * request shape (shared/testing/node/fake-email-provider.ts) and can answer 429 and 5xx.
 */
const FAKE = env.TEST_FAKE_EMAIL_URL;
const RESEND_KEY = "re_test_fake_resend_key";
const POSTMARK_TOKEN = "fake-postmark-server-token";

interface SentLog {
  requests: number;
  sent: Array<{ provider: string; to: string; delivery?: string; headers: Record<string, string> }>;
}
const control = (path: string, body: unknown = {}) =>
  fetch(`${FAKE}${path}`, { method: "POST", body: JSON.stringify(body) });
const sentLog = async () => (await (await fetch(`${FAKE}/__sent`)).json()) as SentLog;

// One provider server is shared by the test files; this file is its only user, one test at a time.
beforeEach(async () => {
  await control("/__reset");
});

const unique = () => crypto.randomUUID().slice(0, 8);

async function setUp(label: string, transport: Record<string, string>) {
  const queue = new CapturedQueue();
  const api = await freshApi(label, { DELIVERY_QUEUE: queue, ...transport });
  await api.patch("/api/settings", {
    brand_name: "Northwind",
    postal_address: "1 Market St",
    default_sender_name: "Ada",
    default_sender_email: "ada@northwind.example",
  });
  return { api, queue };
}

async function campaignTo(
  api: TestApi,
  emails: string[],
): Promise<{ campaign: Campaign; people: Contact[] }> {
  const tag = `p${unique()}`;
  const people: Contact[] = [];
  for (const email of emails) {
    people.push(
      (await api.post<Contact>("/api/contacts", { first_name: "P", last_name: "Q", email, tags: [tag] }))
        .body,
    );
  }
  const campaign = (
    await api.post<Campaign>("/api/campaigns", {
      name: "Provider test",
      objective: "awareness",
      channels: ["email"],
      segment_tree: { field: "tags", op: "contains", value: tag },
    })
  ).body;
  await api.post(`/api/campaigns/${campaign.id}/assets`, {});
  expect((await api.post(`/api/campaigns/${campaign.id}/execute`)).status).toBe(202);
  return { campaign, people };
}

const deliveries = (api: TestApi, campaign: string) =>
  withDatabase(api, async (db) => {
    const [rows] = await db.query<[Array<Omit<Delivery, "id"> & { attempts: number }>]>(
      "SELECT status, attempts, reason, provider, provider_message_id, email FROM delivery WHERE campaign = type::record('campaign', $key) ORDER BY email",
      { key: campaign },
    );
    return rows;
  });
const runOf = async (api: TestApi, campaign: string) =>
  (await api.get<{ data: CampaignRun[] }>(`/api/campaigns/${campaign}/runs`)).body.data[0];

describe("Resend", () => {
  const transport = {
    EMAIL_TRANSPORT: "resend",
    RESEND_API_KEY: RESEND_KEY,
    EMAIL_API_BASE_URL: `${FAKE}/resend`,
  };

  it("sends the batch in Resend's documented shape, once per recipient, and keeps the message ids", async () => {
    const { api, queue } = await setUp("resend_ok", transport);
    const emails = [`a.${unique()}@mail.example`, `b.${unique()}@mail.example`];
    const { campaign } = await campaignTo(api, emails);
    await queue.drain(api);
    const log = await sentLog();
    expect(log.sent.map((m) => m.to).sort()).toEqual([...emails].sort());
    expect(log.sent.every((m) => m.headers["List-Unsubscribe-Post"] === "List-Unsubscribe=One-Click")).toBe(
      true,
    );
    const rows = await deliveries(api, campaign.id);
    expect(rows.map((row) => [row.status, row.provider])).toEqual([
      ["sent", "resend"],
      ["sent", "resend"],
    ]);
    expect(rows.every((row) => /^[0-9a-f-]{36}$/.test(row.provider_message_id ?? ""))).toBe(true);
    expect((await runOf(api, campaign.id))?.status).toBe("completed");
  });

  it("429 then 503: retried with backoff, then sent exactly once", async () => {
    const { api, queue } = await setUp("resend_retry", transport);
    const { campaign } = await campaignTo(api, [`r.${unique()}@mail.example`, `s.${unique()}@mail.example`]);
    await control("/__script", { statuses: [429, 503] });
    await queue.drain(api);
    const log = await sentLog();
    expect(log.requests).toBe(3);
    expect(log.sent).toHaveLength(2);
    expect(queue.retryDelays).toEqual([1, 2]); // DELIVERY_RETRY_BASE_SECONDS=1 in tests, doubling
    const rows = await deliveries(api, campaign.id);
    expect(rows.map((row) => [row.status, row.attempts])).toEqual([
      ["sent", 3],
      ["sent", 3],
    ]);
  });

  it("a batch the provider accepted but we never recorded (crash) is not sent twice: same Idempotency-Key", async () => {
    const { api, queue } = await setUp("resend_idem", transport);
    const { campaign } = await campaignTo(api, [`i.${unique()}@mail.example`]);
    await queue.drain(api, { maxBatches: 1 });
    const sends = queue.pending.splice(0);
    await queue.deliver(api, sends);
    // The consumer "crashed" after the provider accepted: the delivery is back to claimable.
    await withDatabase(api, (db) =>
      db.query(
        "UPDATE delivery SET status = 'sending', lease_until = time::now() - 1s WHERE campaign = type::record('campaign', $key)",
        { key: campaign.id },
      ),
    );
    await queue.deliver(api, sends);
    const log = await sentLog();
    expect(log.requests).toBe(2);
    expect(log.sent).toHaveLength(1);
    expect((await deliveries(api, campaign.id))[0]?.status).toBe("sent");
  });

  it("500 every time: retried until the queue gives up, then dead-lettered and visible as failed", async () => {
    const { api, queue } = await setUp("resend_dlq", transport);
    const { campaign } = await campaignTo(api, [`d.${unique()}@mail.example`]);
    await control("/__script", { statuses: Array(20).fill(500) });
    await queue.drain(api);
    const log = await sentLog();
    expect(log.requests).toBe(6); // the first attempt and max_retries = 5
    expect(queue.retryDelays).toEqual([1, 2, 4, 8, 16, 32]);
    expect(log.sent).toHaveLength(0);
    const [row] = await deliveries(api, campaign.id);
    expect(row?.status).toBe("failed");
    expect(row?.reason).toMatch(/^gave up after retries \(6 attempts\): resend: HTTP 500/);
    const run = await runOf(api, campaign.id);
    expect(run?.results.email).toMatchObject({ recipients: 1, failed: 1, sent: 0 });
    const failed = await api.get<{ data: Delivery[] }>(
      `/api/campaigns/${campaign.id}/deliveries?status=failed`,
    );
    expect(failed.body.data.map((d) => [d.email, d.attempts])).toEqual([[row?.email, 6]]);
    expect(failed.body.data[0]?.reason).toBe(row?.reason);
    expect(run?.status).toBe("completed");
  });
});

describe("event invitations through a provider", () => {
  it("Resend: invitations go out in the documented shape, a 503 is retried, nobody gets two", async () => {
    const { api, queue } = await setUp("resend_invites", {
      EMAIL_TRANSPORT: "resend",
      RESEND_API_KEY: RESEND_KEY,
      EMAIL_API_BASE_URL: `${FAKE}/resend`,
    });
    const guests: Contact[] = [];
    for (const name of ["one", "two"]) {
      guests.push(
        (
          await api.post<Contact>("/api/contacts", {
            first_name: name,
            last_name: "Guest",
            email: `${name}.${unique()}@mail.example`,
          })
        ).body,
      );
    }
    const event = (
      await api.post<{ id: string }>("/api/events", {
        name: "Provider meetup",
        type: "meetup",
        start_time: new Date(Date.now() + 86_400_000).toISOString(),
        end_time: new Date(Date.now() + 90_000_000).toISOString(),
      })
    ).body;
    await control("/__script", { statuses: [503] });
    const invited = await api.post<{ emails_queued: number }>(`/api/events/${event.id}/invite`, {
      contact_ids: guests.map((guest) => guest.id),
      send: true,
    });
    expect(invited.body.emails_queued).toBe(2);
    await queue.drain(api);
    const log = await sentLog();
    expect(log.requests).toBe(2); // the 503, then the retry
    expect(log.sent.map((m) => m.to).sort()).toEqual(guests.map((guest) => guest.email).sort());
    const rows = (
      await api.get<{ data: Array<{ id: string; invite_email: string | null }> }>(
        `/api/events/${event.id}/attendees`,
      )
    ).body.data;
    expect(rows.map((row) => row.invite_email)).toEqual(["sent", "sent"]);
    expect(log.sent.map((m) => m.delivery).sort()).toEqual(rows.map((row) => row.id).sort());
  });
});

describe("Postmark", () => {
  const transport = {
    EMAIL_TRANSPORT: "postmark",
    POSTMARK_SERVER_TOKEN: POSTMARK_TOKEN,
    EMAIL_API_BASE_URL: `${FAKE}/postmark`,
  };

  it("sends in Postmark's documented shape; an inactive recipient fails alone, for good", async () => {
    const { api, queue } = await setUp("postmark", transport);
    const good = `ok.${unique()}@mail.example`;
    const inactive = `inactive.${unique()}@mail.example`;
    const { campaign } = await campaignTo(api, [good, inactive]);
    await queue.drain(api);
    const log = await sentLog();
    expect(log.sent.map((m) => m.to)).toEqual([good]);
    expect(log.sent[0]?.delivery).toMatch(/^[A-Za-z0-9_]+$/);
    const rows = await deliveries(api, campaign.id);
    const byEmail = Object.fromEntries(rows.map((row) => [row.email, row]));
    expect(byEmail[good]).toMatchObject({ status: "sent", provider: "postmark" });
    expect(byEmail[inactive]?.status).toBe("failed");
    expect(byEmail[inactive]?.reason).toMatch(/^postmark: error 406/);
    expect((await runOf(api, campaign.id))?.results.email).toMatchObject({ sent: 1, failed: 1 });
  });

  it("a missing token is a configuration error naming it", async () => {
    const { api } = await setUp("postmark_missing", { EMAIL_TRANSPORT: "postmark" });
    const response = await api.get<{ error: { code: string; message: string } }>("/api/campaigns");
    expect(response.status).toBe(500);
    expect(response.body.error.message).toContain("POSTMARK_SERVER_TOKEN");
  });
});

describe("bounce and complaint webhooks", () => {
  const RESEND_SECRET = `whsec_${btoa("resend webhook signing secret 32b")}`;
  const transport = {
    EMAIL_TRANSPORT: "resend",
    RESEND_API_KEY: RESEND_KEY,
    EMAIL_API_BASE_URL: `${FAKE}/resend`,
    RESEND_WEBHOOK_SECRET: RESEND_SECRET,
    POSTMARK_WEBHOOK_USER: "postmark",
    POSTMARK_WEBHOOK_PASSWORD: "a long webhook password",
  };

  it("Resend: a signed bounce suppresses the address (timeline, consent) and the next run skips it; bad signatures are 401", async () => {
    const { api, queue } = await setUp("bounces", transport);
    const bouncing = `bounce.${unique()}@mail.example`;
    const staying = `stay.${unique()}@mail.example`;
    const { campaign, people } = await campaignTo(api, [bouncing, staying]);
    await queue.drain(api);
    const sent = await deliveries(api, campaign.id);
    const messageId = sent.find((row) => row.email === bouncing)?.provider_message_id;

    const body = JSON.stringify({
      type: "email.bounced",
      created_at: new Date().toISOString(),
      data: { email_id: messageId, to: [bouncing.toUpperCase()], subject: "x" },
    });
    const headers = await svixHeaders(RESEND_SECRET, "msg_bounce", body);
    const signed = {
      "svix-id": headers.id,
      "svix-timestamp": headers.timestamp,
      "svix-signature": headers.signature,
    };
    const forged = await api.as(undefined).call("POST", "/webhooks/email/resend", body, {
      ...signed,
      "svix-signature": "v1,Zm9yZ2Vk",
    });
    expect(forged.status).toBe(401);
    const received = await api
      .as(undefined)
      .call<{ received: boolean; suppressed: number }>("POST", "/webhooks/email/resend", body, signed);
    expect(received.status).toBe(200);
    expect(received.body).toEqual({ received: true, suppressed: 1 });
    // The same notification again: nothing new.
    const again = await api
      .as(undefined)
      .call<{ suppressed: number }>("POST", "/webhooks/email/resend", body, signed);
    expect(again.body.suppressed).toBe(0);

    const bounced = people.find((p) => p.email === bouncing);
    const entries = (await api.get<{ data: TimelineEntry[] }>(`/api/contacts/${bounced?.id}/timeline`)).body
      .data;
    expect(entries.filter((e) => e.type === "email_bounced").map((e) => e.metadata)).toEqual([
      { campaign: campaign.id, reason: "bounced", source: "webhook:resend" },
    ]);

    // Postmark's spam complaint for the other address, with its Basic credentials.
    const complaint = JSON.stringify({ RecordType: "SpamComplaint", Email: staying, MessageID: "pm-1" });
    const wrong = await api.as(undefined).call("POST", "/webhooks/email/postmark", complaint, {
      authorization: `Basic ${btoa("postmark:not the password")}`,
    });
    expect(wrong.status).toBe(401);
    const ok = await api
      .as(undefined)
      .call<{ suppressed: number }>("POST", "/webhooks/email/postmark", complaint, {
        authorization: `Basic ${btoa("postmark:a long webhook password")}`,
      });
    expect(ok.body.suppressed).toBe(1);

    await control("/__reset");
    const second = (
      await api.post<Campaign>("/api/campaigns", {
        name: "After the bounce",
        objective: "awareness",
        channels: ["email"],
        segment_tree: { field: "email", op: "in", value: [bouncing, staying] },
      })
    ).body;
    await api.post(`/api/campaigns/${second.id}/assets`, {});
    await api.post(`/api/campaigns/${second.id}/execute`);
    await queue.drain(api);
    expect((await sentLog()).sent).toHaveLength(0);
    expect((await runOf(api, second.id))?.results.email).toMatchObject({ recipients: 2, skipped: 2 });
  });

  it("a provider without webhook settings is a 404", async () => {
    const { api } = await setUp("no_webhooks", {});
    const response = await api.as(undefined).call("POST", "/webhooks/email/resend", "{}");
    expect(response.status).toBe(404);
  });
});
