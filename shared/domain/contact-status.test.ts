import { describe, expect, it } from "vitest";
import { CONTACT_STATUSES, type ContactStatus, decideStatusChange } from "./contact-status.ts";

const ESTABLISHED: readonly ContactStatus[] = ["customer", "partner", "investor"];

describe("CONTACT_STATUSES", () => {
  it("lists the five statuses of PRODUCT.md, lead first (the default)", () => {
    expect(CONTACT_STATUSES).toEqual(["lead", "customer", "partner", "investor", "other"]);
  });
});

describe("decideStatusChange", () => {
  it.each(CONTACT_STATUSES)("%s -> itself is unchanged, deliberate or not", (status) => {
    expect(decideStatusChange(status, status)).toEqual({ kind: "unchanged" });
    expect(decideStatusChange(status, status, { deliberate: true })).toEqual({ kind: "unchanged" });
  });

  it.each(ESTABLISHED)("refuses %s -> lead without deliberate, saying how to confirm", (from) => {
    const decision = decideStatusChange(from, "lead");
    expect(decision).toMatchObject({ kind: "refused", from, to: "lead" });
    if (decision.kind !== "refused") throw new Error("expected a refusal");
    expect(decision.reason).toContain("confirm_downgrade");
    expect(decision.reason).toContain(from);
  });

  it.each(ESTABLISHED)("refuses %s -> lead with deliberate: false or an empty options object", (from) => {
    expect(decideStatusChange(from, "lead", { deliberate: false }).kind).toBe("refused");
    expect(decideStatusChange(from, "lead", {}).kind).toBe("refused");
  });

  it.each(ESTABLISHED)("allows %s -> lead when deliberate", (from) => {
    expect(decideStatusChange(from, "lead", { deliberate: true })).toEqual({
      kind: "allowed",
      from,
      to: "lead",
    });
  });

  it("allows lead -> customer", () => {
    expect(decideStatusChange("lead", "customer")).toEqual({ kind: "allowed", from: "lead", to: "customer" });
  });

  it("allows other -> lead without deliberate (other was never an earned relationship)", () => {
    expect(decideStatusChange("other", "lead")).toEqual({ kind: "allowed", from: "other", to: "lead" });
  });

  it("allows moves between established statuses and to other", () => {
    expect(decideStatusChange("customer", "partner").kind).toBe("allowed");
    expect(decideStatusChange("investor", "customer").kind).toBe("allowed");
    expect(decideStatusChange("partner", "other").kind).toBe("allowed");
  });

  describe("every pair of statuses", () => {
    const pairs = CONTACT_STATUSES.flatMap((from) => CONTACT_STATUSES.map((to) => [from, to] as const));

    it("covers all 25 pairs", () => {
      expect(pairs).toHaveLength(CONTACT_STATUSES.length ** 2);
      expect(new Set(pairs.map(([from, to]) => `${from}->${to}`)).size).toBe(25);
    });

    function expectedKind(from: ContactStatus, to: ContactStatus, deliberate: boolean): string {
      if (from === to) return "unchanged";
      if (to === "lead" && ESTABLISHED.includes(from) && !deliberate) return "refused";
      return "allowed";
    }

    for (const deliberate of [false, true]) {
      describe(deliberate ? "deliberate" : "not deliberate", () => {
        it.each(pairs)("%s -> %s", (from, to) => {
          const decision = decideStatusChange(from, to, { deliberate });
          expect(decision.kind).toBe(expectedKind(from, to, deliberate));
          if (decision.kind !== "unchanged") {
            expect(decision.from).toBe(from);
            expect(decision.to).toBe(to);
          }
        });
      });
    }

    it("refuses exactly three pairs when not deliberate, and none when deliberate", () => {
      const refused = pairs.filter(([from, to]) => decideStatusChange(from, to).kind === "refused");
      expect(refused).toEqual([
        ["customer", "lead"],
        ["partner", "lead"],
        ["investor", "lead"],
      ]);
      expect(
        pairs.filter(([from, to]) => decideStatusChange(from, to, { deliberate: true }).kind === "refused"),
      ).toEqual([]);
    });
  });
});
