import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { eventCalendar, foldLine, icsDateTime, icsText } from "./ics.ts";

const event = {
  uid: "k3x9q2m7@crm.example",
  name: "Founders AMA; Q&A, live",
  description: "Line one\nLine two with a backslash \\ and ümlauts — ".repeat(4),
  location: "https://meet.example/ama?room=1,2",
  start: new Date("2026-06-10T17:00:00+02:00"),
  end: new Date("2026-06-10T18:30:00+02:00"),
  updated: new Date("2026-05-01T08:00:00Z"),
  url: "https://crm.example/e/k3x9q2m7",
};

describe("eventCalendar", () => {
  it("is read back by an independent parser (ical.js) with every field intact, times in UTC", () => {
    const text = eventCalendar(event);
    const component = new ICAL.Component(ICAL.parse(text));
    const vevent = component.getFirstSubcomponent("vevent");
    if (!vevent) throw new Error("no VEVENT");
    const parsed = new ICAL.Event(vevent);
    expect(parsed.uid).toBe(event.uid);
    expect(parsed.summary).toBe(event.name);
    expect(parsed.description).toBe(event.description);
    expect(parsed.location).toBe(event.location);
    expect(parsed.startDate.toJSDate().toISOString()).toBe("2026-06-10T15:00:00.000Z");
    expect(parsed.endDate.toJSDate().toISOString()).toBe("2026-06-10T16:30:00.000Z");
    expect(parsed.startDate.zone.tzid).toBe("UTC");
    expect(component.getFirstPropertyValue("version")).toBe("2.0");
    expect(vevent.getFirstPropertyValue("url")).toBe(event.url);
  });

  it("uses CRLF line ends and never writes a line over 75 octets", () => {
    const text = eventCalendar(event);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    for (const line of text.split("\r\n")) {
      expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    }
  });

  it("leaves out empty optional fields", () => {
    const text = eventCalendar({ ...event, description: "", location: "", url: undefined });
    expect(text).not.toMatch(/DESCRIPTION|LOCATION|URL/);
  });
});

describe("pieces", () => {
  it("formats UTC date-times", () => {
    expect(icsDateTime(new Date("2026-01-02T03:04:05.678Z"))).toBe("20260102T030405Z");
  });

  it("escapes text values", () => {
    expect(icsText("a\\b;c,d\ne\r\nf")).toBe("a\\\\b\\;c\\,d\\ne\\nf");
  });

  it("folds without splitting a multi-byte character", () => {
    const folded = foldLine(`DESCRIPTION:${"é".repeat(100)}`);
    const lines = folded.split("\r\n");
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(1).every((line) => line.startsWith(" "))).toBe(true);
    expect(lines.map((line, i) => (i === 0 ? line : line.slice(1))).join("")).toBe(
      `DESCRIPTION:${"é".repeat(100)}`,
    );
    for (const line of lines) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
  });
});
