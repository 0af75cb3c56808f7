/** Contact lifecycle (PRODUCT.md): which status changes are allowed, and why some are refused. */

export const CONTACT_STATUSES = ["lead", "customer", "partner", "investor", "other"] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/** Relationships that were earned; silently demoting them to a lead loses history. */
const ESTABLISHED: ReadonlySet<ContactStatus> = new Set(["customer", "partner", "investor"]);

export type StatusChangeDecision =
  | { kind: "unchanged" }
  | { kind: "allowed"; from: ContactStatus; to: ContactStatus }
  | { kind: "refused"; from: ContactStatus; to: ContactStatus; reason: string };

export function decideStatusChange(
  from: ContactStatus,
  to: ContactStatus,
  options: { deliberate?: boolean } = {},
): StatusChangeDecision {
  if (from === to) return { kind: "unchanged" };
  if (to === "lead" && ESTABLISHED.has(from) && !options.deliberate) {
    return {
      kind: "refused",
      from,
      to,
      reason: `a ${from} cannot be moved back to lead by accident; send "confirm_downgrade": true to do it deliberately`,
    };
  }
  return { kind: "allowed", from, to };
}
