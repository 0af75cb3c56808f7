import { describe, expect, it } from "vitest";
import {
  FORM_TOKEN_MAX_AGE_MS,
  firstFreeSlug,
  judgeFillTime,
  MIN_FILL_MS,
  mergeKnownContact,
  namesFromEmail,
  pageTag,
  referrerOf,
  slugify,
  UNKNOWN_NAME,
  utmOf,
} from "./landing.ts";

describe("slugs", () => {
  it("makes ASCII slugs from any text", () => {
    expect(slugify("Spring Launch: Offline Sync!")).toBe("spring-launch-offline-sync");
    expect(slugify("Café crème à Zürich")).toBe("cafe-creme-a-zurich");
    expect(slugify("  --Hello__World--  ")).toBe("hello-world");
    expect(slugify("日本語")).toBe("page");
    expect(slugify("<script>alert(1)</script>")).toBe("script-alert-1-script");
  });

  it("keeps slugs within 80 characters without a trailing hyphen", () => {
    const slug = slugify(`${"word ".repeat(15)}x`);
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug).toMatch(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/);
  });

  it("takes the first free variant", () => {
    expect(firstFreeSlug("launch", new Set())).toBe("launch");
    expect(firstFreeSlug("launch", new Set(["launch", "launch-2"]))).toBe("launch-3");
    const long = "a".repeat(80);
    const next = firstFreeSlug(long, new Set([long]));
    expect(next).toBe(`${"a".repeat(78)}-2`);
  });

  it("tags a page's contacts lp-<slug>, within the tag limit", () => {
    expect(pageTag("spring")).toBe("lp-spring");
    expect(pageTag("a".repeat(80)).length).toBe(50);
    expect(pageTag(`${"a".repeat(46)}-bcd`)).toBe(`lp-${"a".repeat(46)}`);
  });
});

describe("a submission from a known contact", () => {
  it("fills empty fields and keeps different stored values, reporting them", () => {
    const merged = mergeKnownContact(
      { first_name: "Ada", last_name: "Lovelace", phone: null, linkedin_url: undefined },
      { first_name: "Ada", last_name: "King", phone: "+44 20 7946 0958", email: "ada@example.com" },
    );
    expect(merged.fill).toEqual({ phone: "+44 20 7946 0958" });
    expect(merged.kept).toEqual([{ field: "last_name", stored: "Lovelace", submitted: "King" }]);
  });

  it("replaces the placeholder last name a form without one left", () => {
    expect(mergeKnownContact({ last_name: UNKNOWN_NAME }, { last_name: "Lovelace" })).toEqual({
      fill: { last_name: "Lovelace" },
      kept: [],
    });
  });

  it("changes nothing when the form asked for nothing new", () => {
    expect(mergeKnownContact({ first_name: "Ada" }, { email: "ada@example.com" })).toEqual({
      fill: {},
      kept: [],
    });
  });
});

describe("names for a contact whose form did not ask", () => {
  it("reads them from the address", () => {
    expect(namesFromEmail("jane.doe@example.com")).toEqual({ first_name: "Jane", last_name: "Doe" });
    expect(namesFromEmail("jdoe+news@example.com")).toEqual({ first_name: "Jdoe", last_name: "(unknown)" });
    expect(namesFromEmail("mary_ann.van-dyke@example.com")).toEqual({
      first_name: "Mary",
      last_name: "Ann Van Dyke",
    });
    expect(namesFromEmail("1234@example.com")).toEqual({ first_name: "1234", last_name: "(unknown)" });
  });
});

describe("the minimum fill time", () => {
  const now = 1_800_000_000_000;
  it("refuses a form sent sooner than a person could, and one left open for more than a week", () => {
    expect(judgeFillTime(now - MIN_FILL_MS + 1, now)).toBe("too_fast");
    expect(judgeFillTime(now - MIN_FILL_MS, now)).toBe("ok");
    expect(judgeFillTime(now - FORM_TOKEN_MAX_AGE_MS, now)).toBe("ok");
    expect(judgeFillTime(now - FORM_TOKEN_MAX_AGE_MS - 1, now)).toBe("expired");
    // A token from the future (a clock far off) is as good as a fresh one: too fast.
    expect(judgeFillTime(now + 60_000, now)).toBe("too_fast");
  });
});

describe("what a page view keeps", () => {
  it("keeps the five UTM parameters, trimmed, capped and without control characters", () => {
    expect(
      utmOf({
        utm_source: " news ",
        utm_medium: "email\u0000",
        utm_campaign: "x".repeat(300),
        gclid: "abc",
        utm_term: "",
      }),
    ).toEqual({ utm_source: "news", utm_medium: "email", utm_campaign: "x".repeat(200) });
  });

  it("keeps a referrer's origin and path only, and only for http(s)", () => {
    expect(referrerOf("https://news.example/a/b?email=ada@example.com#x")).toBe("https://news.example/a/b");
    expect(referrerOf("android-app://com.google.android.gm/")).toBeUndefined();
    expect(referrerOf("javascript:alert(1)")).toBeUndefined();
    expect(referrerOf("not a url")).toBeUndefined();
    expect(referrerOf(undefined)).toBeUndefined();
    expect(referrerOf(`https://x.example/${"p".repeat(600)}`)?.length).toBe(500);
  });
});
