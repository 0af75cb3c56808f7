import { describe, expect, it } from "vitest";
import { retryDelay } from "./queue.ts";

describe("retry backoff", () => {
  it("doubles from the base and stops at 15 minutes", () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelay(attempt, 30))).toEqual([30, 60, 120, 240, 480]);
    expect(retryDelay(12, 30)).toBe(900);
    expect(retryDelay(0, 30)).toBe(30);
  });
});
