import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { DbClient } from "@crm/shared/db";
import type { Contact, ContactAnalytics } from "@crm/shared/schemas";
import { describe, expect, it } from "vitest";
import gateway from "../index.ts";
import { loadConfig } from "./env.ts";
import { foldAnalytics, refreshEngagement } from "./scheduled.ts";
import { freshApi } from "./test-client.ts";

const DAY = 86_400_000;

describe("scheduled(): engagement decay", () => {
  it("refreshes scores that time has decayed, and only those", async () => {
    const api = await freshApi("scheduled");
    const make = async (email: string) =>
      (await api.post<Contact>("/api/contacts", { first_name: "S", last_name: "D", email })).body;
    const met = await make("met@decay.example");
    const idle = await make("idle@decay.example");
    await api.post("/api/timeline", { contact: met.id, type: "meeting", content: "Kick-off" });
    expect((await api.get<Contact>(`/api/contacts/${met.id}`)).body.engagement_score).toBe(10);

    // Let 60 days pass for this contact: its meeting is now two half-lives old, and its score was
    // last computed a day ago.
    const db = await DbClient.open(loadConfig(api.env).database);
    try {
      await db.query(
        "UPDATE timeline_entry SET timestamp = $long_ago WHERE contact = type::record('contact', $key)",
        { long_ago: new Date(Date.now() - 60 * DAY), key: met.id },
      );
      await db.query("UPDATE type::record('contact', $key) SET engagement_computed_at = $computed", {
        key: met.id,
        computed: new Date(Date.now() - DAY),
      });
    } finally {
      await db.close();
    }

    const ctx = createExecutionContext();
    gateway.scheduled(
      createScheduledController({ scheduledTime: Date.now(), cron: "*/15 * * * *" }),
      api.env,
      ctx,
    );
    await waitOnExecutionContext(ctx);

    const decayed = (await api.get<Contact>(`/api/contacts/${met.id}`)).body;
    expect(decayed.engagement_score).toBe(2.5); // 20 × 0.5² / 200 × 100
    expect(decayed.updated_at).toBe(met.updated_at); // nobody edited the contact
    expect((await api.get<Contact>(`/api/contacts/${idle.id}`)).body.engagement_score).toBe(0);

    // Fresh scores are left alone: a second run right away has nothing to do.
    expect(await refreshEngagement(Date.now(), api.env)).toBe(0);
  });
});

describe("scheduled(): analytics fold", () => {
  it("folds the counters' shard rows of past days into one row per key; the figures do not move", async () => {
    const api = await freshApi("scheduled_fold");
    for (const name of ["a", "b", "c", "d"]) {
      await api.post("/api/contacts", {
        first_name: name,
        last_name: "F",
        email: `${name}@fold.example`,
        tags: ["f"],
      });
    }
    const read = async () => (await api.get<ContactAnalytics>("/api/analytics/contacts?range=7d")).body;
    const before = await read();
    expect(before).toMatchObject({ total: 4, by_tag: [{ tag: "f", count: 4 }] });
    // Today's shards stay (they are today's hot rows); tomorrow's run folds them.
    const tomorrow = Date.now() + DAY;
    const folded = await foldAnalytics(tomorrow, api.env);
    expect(folded).toBeGreaterThan(0);
    expect(await read()).toEqual(before);
    expect(await foldAnalytics(tomorrow, api.env)).toBe(0);
  });
});
