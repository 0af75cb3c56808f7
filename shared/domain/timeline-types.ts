/**
 * Every kind of timeline entry, what writes it, and what it means. The original system's ten types
 * plus the ones the real flows need. Manual types are the ones people log by hand through the API.
 */
export const TIMELINE_TYPE_DESCRIPTIONS = {
  note: "A free-form note written by a teammate.",
  call: "A phone or video call with the contact.",
  meeting: "A meeting with the contact (in person or online).",
  task: "A to-do about the contact; its timestamp may be in the future (a due date).",
  email_sent: "A campaign or one-off email was sent to the contact.",
  email_open: "The contact opened an email (tracking pixel).",
  email_click: "The contact clicked a link in an email.",
  email_bounced: "An email to the contact bounced or was reported as spam.",
  unsubscribed: "The contact unsubscribed from email.",
  social_touch: "An interaction on a social network (reply, mention, DM).",
  event_invite: "The contact was invited to an event.",
  event_registered: "The contact registered for an event.",
  event_attend: "The contact attended an event (checked in).",
  event_cancelled: "The contact cancelled an event registration.",
  event_no_show: "The contact registered but did not attend.",
  landing_page_visit: "The contact visited a landing page.",
  form_submission: "The contact submitted a landing page form.",
  status_change: "The contact's status changed; metadata holds `from` and `to`.",
  custom_event:
    "A custom event recorded through POST /api/analytics/track; metadata holds `event`, `properties` and `campaign`.",
} as const;

export type TimelineType = keyof typeof TIMELINE_TYPE_DESCRIPTIONS;
export const TIMELINE_TYPES = Object.keys(TIMELINE_TYPE_DESCRIPTIONS) as [TimelineType, ...TimelineType[]];

export const MANUAL_TIMELINE_TYPES = [
  "note",
  "call",
  "meeting",
  "task",
] as const satisfies readonly TimelineType[];
export type ManualTimelineType = (typeof MANUAL_TIMELINE_TYPES)[number];

export function isManualTimelineType(type: string): type is ManualTimelineType {
  return (MANUAL_TIMELINE_TYPES as readonly string[]).includes(type);
}
