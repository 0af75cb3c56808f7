import { describe, expect, it } from "vitest";
import { isMachineOpen, PREFETCH_WINDOW_MS } from "./machine-open.ts";

const sentAt = new Date("2026-11-30T10:00:00Z");
const later = new Date(sentAt.getTime() + 10 * 60_000);
const BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";

describe("machine opens", () => {
  it.each([
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
    "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.4266; Pro)",
    "Mozilla/5.0 (compatible; BingPreview/1.0b)",
    "python-requests/2.31",
    "",
  ])("flags %s", (userAgent) => {
    expect(isMachineOpen({ userAgent, sentAt, openedAt: later })).toBe(true);
  });

  it("flags an open within the prefetch window of the send, whatever the user agent", () => {
    const soon = new Date(sentAt.getTime() + PREFETCH_WINDOW_MS - 1);
    expect(isMachineOpen({ userAgent: BROWSER, sentAt, openedAt: soon })).toBe(true);
  });

  it("counts a browser's open after the window as a person's", () => {
    expect(isMachineOpen({ userAgent: BROWSER, sentAt, openedAt: later })).toBe(false);
    expect(isMachineOpen({ userAgent: BROWSER, sentAt: null, openedAt: later })).toBe(false);
  });
});
