import { engagementWeight } from "../domain/engagement.ts";
import type { TimelineSummary } from "../schemas/assets.ts";
import { cleanText, clip, isoDay } from "./copy.ts";
import type { SummaryEntry, SummaryInput } from "./types.ts";

/**
 * The offline timeline summary: facts counted from the real entries (by type, last interaction,
 * engagement, status) and a next best action chosen by explicit rules, most urgent first.
 */

const DAY_MS = 86_400_000;

const LABELS: Record<string, readonly [string, string]> = {
  note: ["note", "notes"],
  call: ["call", "calls"],
  meeting: ["meeting", "meetings"],
  task: ["task", "tasks"],
  email_sent: ["email sent", "emails sent"],
  email_open: ["email open", "email opens"],
  email_click: ["email click", "email clicks"],
  email_bounced: ["bounce", "bounces"],
  unsubscribed: ["unsubscribe", "unsubscribes"],
  social_touch: ["social interaction", "social interactions"],
  event_invite: ["event invitation", "event invitations"],
  event_registered: ["event registration", "event registrations"],
  event_attend: ["event attended", "events attended"],
  event_cancelled: ["cancelled registration", "cancelled registrations"],
  event_no_show: ["no-show", "no-shows"],
  landing_page_visit: ["landing page visit", "landing page visits"],
  form_submission: ["form submission", "form submissions"],
  status_change: ["status change", "status changes"],
};

function label(type: string, count: number): string {
  const names = LABELS[type] ?? [type.replaceAll("_", " "), `${type.replaceAll("_", " ")}s`];
  return `${count} ${count === 1 ? names[0] : names[1]}`;
}

/** Types that are contact with the person (not bookkeeping such as status changes or planned tasks). */
const NOT_INTERACTIONS = new Set(["status_change", "task"]);
/** Signs the person answered or engaged directly, which settle an open email click. */
const CONVERSATION = new Set(["call", "meeting", "form_submission", "social_touch", "event_attend"]);
const NEGATIVE_TYPES = new Set(["unsubscribed", "email_bounced", "event_cancelled", "event_no_show"]);
const POSITIVE_TYPES = new Set([
  "meeting",
  "call",
  "event_attend",
  "event_registered",
  "form_submission",
  "email_click",
]);
const NEGATIVE_WORDS =
  /\b(not interested|no longer interested|unhappy|angry|complain\w*|cancel\w*|churn\w*|frustrat\w*|too expensive|no budget|disappoint\w*)\b/i;
const POSITIVE_WORDS = /\b(interested|excited|great|loved?|happy|keen|impressed|ready to|signed|agreed)\b/i;

interface Dated extends SummaryEntry {
  at: Date;
  daysAgo: number;
  text: string;
}

function dated(entries: readonly SummaryEntry[], now: Date): Dated[] {
  return entries
    .map((entry) => {
      const at = new Date(entry.timestamp);
      return {
        ...entry,
        at,
        daysAgo: Math.floor((now.getTime() - at.getTime()) / DAY_MS),
        text: cleanText(entry.content),
      };
    })
    .filter((entry) => !Number.isNaN(entry.at.getTime()))
    .sort((a, b) => b.at.getTime() - a.at.getTime());
}

function ago(days: number): string {
  if (days <= 0) return "today";
  if (days === 1) return "yesterday";
  return `${days} days ago`;
}

function quoted(text: string, max = 80): string {
  return text ? ` ("${clip(text, max)}")` : "";
}

type Action = TimelineSummary["next_best_action"];

function nextBestAction(input: SummaryInput, past: Dated[], upcoming: Dated[]): Action {
  const first = clip(cleanText(input.contact.first_name), 40) || "them";
  const status = input.contact.status;
  const latest = (type: string) => past.find((entry) => entry.type === type);
  const after = (entry: Dated, types: ReadonlySet<string> | string) =>
    past.some(
      (other) =>
        other.at > entry.at && (typeof types === "string" ? other.type === types : types.has(other.type)),
    );
  const interactions = past.filter((entry) => !NOT_INTERACTIONS.has(entry.type));
  const lastInteraction = interactions[0];

  const unsubscribed = latest("unsubscribed");
  if (unsubscribed && !after(unsubscribed, CONVERSATION)) {
    return {
      action: "Stop marketing email; follow up only personally, if there is an open conversation",
      reason: `${first} unsubscribed ${ago(unsubscribed.daysAgo)} (${isoDay(unsubscribed.at)}).`,
      due_in_days: 0,
    };
  }
  const lastEmailEvent = past.find((entry) => entry.type.startsWith("email_"));
  if (lastEmailEvent?.type === "email_bounced") {
    return {
      action: `Verify ${first}'s email address or reach out on another channel`,
      reason: `The last email bounced ${ago(lastEmailEvent.daysAgo)}.`,
      due_in_days: 1,
    };
  }
  const talk = past.find(
    (entry) => (entry.type === "meeting" || entry.type === "call") && entry.daysAgo <= 3,
  );
  if (talk && !after(talk, "email_sent")) {
    return {
      action: `Send ${first} a recap of the ${talk.type} with the agreed next steps`,
      reason: clip(
        `You had a ${talk.type} ${ago(talk.daysAgo)}${quoted(talk.text)} and no email has followed it yet.`,
        300,
      ),
      due_in_days: 1,
    };
  }
  const click = past.find((entry) => entry.type === "email_click" && entry.daysAgo <= 14);
  if (click && !after(click, CONVERSATION)) {
    return {
      action: `Call ${first} within 2 days while the interest is fresh`,
      reason: clip(
        `${first} clicked an email link ${ago(click.daysAgo)}${quoted(click.text)} but has not replied or talked to anyone since.`,
        300,
      ),
      due_in_days: 2,
    };
  }
  const form = past.find((entry) => entry.type === "form_submission" && entry.daysAgo <= 7);
  if (form && !after(form, new Set(["call", "meeting"]))) {
    return {
      action: `Reply to ${first}'s form submission and offer a short call`,
      reason: clip(`${first} submitted a form ${ago(form.daysAgo)}${quoted(form.text)}.`, 300),
      due_in_days: 1,
    };
  }
  const task = upcoming.filter((entry) => entry.type === "task" && entry.daysAgo >= -14).at(-1);
  if (task) {
    return {
      action: clip(`Complete the planned task${task.text ? `: ${task.text}` : ""}`, 200),
      reason: `It is due on ${isoDay(task.at)}.`,
      // daysAgo is negative for a future entry: its negation is the whole days left, rounded up.
      due_in_days: Math.min(90, Math.max(0, -task.daysAgo)),
    };
  }
  const attended = past.find((entry) => entry.type === "event_attend" && entry.daysAgo <= 7);
  if (attended) {
    return {
      action: `Thank ${first} for attending, share the event materials and suggest a follow-up call`,
      reason: clip(`${first} attended an event ${ago(attended.daysAgo)}${quoted(attended.text)}.`, 300),
      due_in_days: 2,
    };
  }
  const noShow = past.find((entry) => entry.type === "event_no_show" && entry.daysAgo <= 7);
  if (noShow) {
    return {
      action: `Send ${first} the recording and offer another time to talk`,
      reason: `${first} registered but did not attend (${ago(noShow.daysAgo)}).`,
      due_in_days: 2,
    };
  }
  const level = input.contact.engagement_level;
  const inactiveDays = lastInteraction ? lastInteraction.daysAgo : null;
  if ((level === "cold" || level === "warming") && (inactiveDays === null || inactiveDays >= 30)) {
    return {
      action: `Send ${first} a re-engagement email with one useful, specific resource`,
      reason:
        inactiveDays === null
          ? `No interactions are recorded yet and engagement is ${level}.`
          : `Engagement is ${level} and the last interaction was ${ago(inactiveDays)}.`,
      due_in_days: 7,
    };
  }
  if (level === "hot" || level === "champion") {
    const byStatus: Record<string, string> = {
      customer: `Ask ${first} for a referral or a short case study`,
      investor: `Schedule a follow-up call with ${first} to discuss the round`,
      partner: `Plan a joint activity with ${first} for next month`,
    };
    return {
      action: byStatus[status] ?? `Propose a call to ${first} to agree on next steps`,
      reason: `Engagement is ${level} (${input.contact.engagement_score}/100): a good moment to move forward.`,
      due_in_days: 3,
    };
  }
  const steady: Record<string, string> = {
    customer: `Check in with ${first} on how things are going and share one relevant tip`,
    investor: `Send ${first} a short investor update`,
    partner: `Share a partner update with ${first}`,
  };
  return {
    action: steady[status] ?? `Share a relevant resource with ${first} and ask one specific question`,
    reason: lastInteraction
      ? `The last interaction was a ${lastInteraction.type.replaceAll("_", " ")} ${ago(lastInteraction.daysAgo)}; engagement is ${level}.`
      : `Engagement is ${level}.`,
    due_in_days: 7,
  };
}

function sentimentOf(past: Dated[]): TimelineSummary["sentiment"] {
  const recent = past.filter((entry) => !NOT_INTERACTIONS.has(entry.type)).slice(0, 5);
  if (recent.length === 0) return "unknown";
  const month = past.filter((entry) => entry.daysAgo <= 30);
  if (
    recent.some((entry) => NEGATIVE_TYPES.has(entry.type)) ||
    month.some((entry) => NEGATIVE_WORDS.test(entry.text))
  ) {
    return "negative";
  }
  if (
    month.some((entry) => POSITIVE_TYPES.has(entry.type)) ||
    month.some((entry) => POSITIVE_WORDS.test(entry.text))
  ) {
    return "positive";
  }
  return "neutral";
}

function highlightsOf(past: Dated[]): string[] {
  // Opens and sends are noise next to conversations; they only show when nothing else happened.
  const notable = past.filter((entry) => entry.type !== "email_open" && entry.type !== "email_sent");
  const chosen = (notable.length > 0 ? notable : past).slice(0, 5);
  return chosen.map((entry) => {
    const name = (LABELS[entry.type]?.[0] ?? entry.type.replaceAll("_", " ")).replace(/^./, (c) =>
      c.toUpperCase(),
    );
    return clip(`${isoDay(entry.at)} · ${name}${entry.text ? `: ${entry.text}` : ""}`, 240);
  });
}

export function templateSummary(input: SummaryInput, now: Date): TimelineSummary {
  const all = dated(input.entries, now);
  const past = all.filter((entry) => entry.at.getTime() <= now.getTime());
  const upcoming = all.filter((entry) => entry.at.getTime() > now.getTime());
  const { contact } = input;
  const name = cleanText(`${contact.first_name} ${contact.last_name}`) || cleanText(contact.email);
  const company = contact.company_name ? ` at ${cleanText(contact.company_name)}` : "";
  const counts = new Map<string, number>();
  for (const entry of past) counts.set(entry.type, (counts.get(entry.type) ?? 0) + 1);
  const byType = [...counts.entries()]
    .sort(
      (a, b) => b[1] - a[1] || engagementWeight(b[0]) - engagementWeight(a[0]) || a[0].localeCompare(b[0]),
    )
    .slice(0, 5)
    .map(([type, count]) => label(type, count));
  const last = past.find((entry) => !NOT_INTERACTIONS.has(entry.type));
  const parts = [
    `${name} (${contact.status}${company}) is ${contact.engagement_level}, with an engagement score of ${contact.engagement_score}/100.`,
    past.length === 0
      ? "No interactions are recorded yet."
      : `${past.length} timeline ${past.length === 1 ? "entry" : "entries"}: ${byType.join(", ")}.`,
    last
      ? `Last interaction: ${label(last.type, 1).replace(/^1 /, "")} on ${isoDay(last.at)} (${ago(last.daysAgo)})${last.text ? `: "${clip(last.text, 120)}"` : ""}.`
      : "",
    upcoming.length > 0
      ? `${upcoming.length} planned ${upcoming.length === 1 ? "task" : "tasks"} ahead.`
      : "",
  ];
  return {
    summary: clip(parts.filter(Boolean).join(" "), 600),
    highlights: highlightsOf(past),
    next_best_action: nextBestAction(input, past, upcoming),
    sentiment: sentimentOf(past),
  };
}
