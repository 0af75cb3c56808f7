import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, screenshot } from "../../shared/testing/node/chromium.ts";
import { freshDatabase } from "../../shared/testing/node/database.ts";
import { type ServedGateway, startGateway } from "../../shared/testing/node/gateway.ts";

/**
 * The RSVP page in a real browser: the built gateway in workerd (Miniflare) against the test
 * SurrealDB server, and Debian's Chromium driven by playwright-core, with JavaScript turned off:
 * reading the page and pressing its buttons must work without any.
 */

let gateway: ServedGateway;
let browser: Browser;

beforeAll(async () => {
  const { db, config } = await freshDatabase("rsvp_browser");
  await db.close();
  gateway = await startGateway(config, {
    bindings: { PUBLIC_BASE_URL: "https://crm.example" },
    // Webhook events are queued (nobody consumes them here).
    extra: { queueProducers: { DELIVERY_QUEUE: "crm-delivery" } },
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.miniflare.dispose();
});

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(new URL(path, gateway.base), {
    method,
    headers: { authorization: `Bearer ${gateway.token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status, `${method} ${path}`).toBeLessThan(300);
  return (await response.json()) as T;
}

describe("the RSVP page in Chromium", () => {
  it("shows an invitee their event in their language and registers, then cancels, without JavaScript", async () => {
    const contact = await api<{ id: string }>("POST", "/api/contacts", {
      first_name: "Camille",
      last_name: "Durand",
      email: "camille.durand@mail.example",
    });
    const event = await api<{ id: string }>("POST", "/api/events", {
      name: "Atelier produit <live>",
      type: "meetup",
      description: "Une heure pour tout montrer.",
      location: "1 rue de Rivoli, Paris",
      capacity: 20,
      start_time: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      end_time: new Date(Date.now() + 7 * 86_400_000 + 3_600_000).toISOString(),
    });
    await api("POST", `/api/events/${event.id}/invite`, { contact_ids: [contact.id] });
    const page0 = await api<{ data: Array<{ rsvp_url: string }> }>(
      "GET",
      `/api/events/${event.id}/attendees`,
    );
    const link = new URL(page0.data[0]?.rsvp_url ?? "");
    const url = new URL(link.pathname + link.search, gateway.base).toString();

    const context = await browser.newContext({ javaScriptEnabled: false, locale: "fr-FR" });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    try {
      await page.goto(url);
      await expect.poll(() => page.locator("h1").textContent()).toBe("Atelier produit <live>");
      expect(await page.title()).toBe("Atelier produit <live>");
      const when = (await page.locator("time").textContent()) ?? "";
      // French: weekday and month names, 24-hour clock.
      expect(when).toMatch(/lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche/);
      expect(await page.getByTestId("capacity").textContent()).toBe("20 of 20 seats left");
      expect(await page.locator("html").getAttribute("lang")).toBe("fr-FR");
      await screenshot(page, "rsvp-page");

      await page.getByRole("button", { name: "Register" }).click();
      await page.waitForURL(url);
      expect(await page.locator(".status").textContent()).toContain("You are registered");
      expect(await page.getByTestId("capacity").textContent()).toBe("19 of 20 seats left");
      const registered = await api<{ data: Array<{ status: string }> }>(
        "GET",
        `/api/events/${event.id}/attendees?status=registered`,
      );
      expect(registered.data).toHaveLength(1);

      await page.getByRole("button", { name: "Cancel my registration" }).click();
      await page.waitForURL(url);
      expect(await page.locator(".status").textContent()).toContain("You cancelled");
      const timeline = await api<{ data: Array<{ type: string }> }>(
        "GET",
        `/api/contacts/${contact.id}/timeline`,
      );
      expect(timeline.data.map((entry) => entry.type)).toEqual(
        expect.arrayContaining(["event_invite", "event_registered", "event_cancelled"]),
      );

      const calendar = await page.request.get(new URL(`/e/${event.id}.ics`, gateway.base).toString());
      expect(calendar.headers()["content-type"]).toBe("text/calendar; charset=utf-8");
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
