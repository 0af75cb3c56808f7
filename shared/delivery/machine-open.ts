/**
 * Machine opens: image proxies and privacy features fetch the open pixel without a person reading the
 * email (Gmail's image proxy, Yahoo's, Outlook's link scanners, Apple Mail Privacy Protection's
 * prefetch right after delivery). They are recorded on the timeline, flagged, and not scored.
 */
const PROXY_USER_AGENTS = [
  /GoogleImageProxy/i,
  /YahooMailProxy/i,
  /ggpht\.com/i,
  /Microsoft Office\/\d/i,
  /ms-office/i,
  /Outlook-iOS-Android/i,
  /BingPreview/i,
  /Barracuda/i,
  /Mimecast/i,
  /Proofpoint/i,
  /bot|crawler|spider|preview|scanner|curl\/|wget\/|python-requests|go-http-client/i,
];

/** An open this soon after the send is a prefetch (Apple MPP and security scanners fetch at delivery). */
export const PREFETCH_WINDOW_MS = 60_000;

export function isMachineOpen(input: {
  userAgent: string | null | undefined;
  sentAt: Date | null | undefined;
  openedAt: Date;
}): boolean {
  const userAgent = input.userAgent?.trim() ?? "";
  if (!userAgent) return true;
  if (PROXY_USER_AGENTS.some((pattern) => pattern.test(userAgent))) return true;
  if (input.sentAt && input.openedAt.getTime() - input.sentAt.getTime() < PREFETCH_WINDOW_MS) return true;
  return false;
}
