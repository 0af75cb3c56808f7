import type { CampaignObjective } from "../domain/campaign-status.ts";

/**
 * The angle each campaign objective takes, for the template provider: what the copy leads with, what it
 * asks for, and what the landing page form collects. Kept apart from the assembly code so that the
 * copy can be reviewed (and changed) in one place.
 */

/** Facts the copy is built from, already cleaned and clipped. */
export interface CopyFacts {
  brand: string;
  campaign: string;
  /** The campaign's main message: the prompt's first key phrase, or the campaign name. */
  focus: string;
  /** Further key phrases from the prompt (0-3). */
  details: string[];
  event: { name: string; when: string | null; where: string | null } | null;
}

export interface FormFieldSpec {
  name: string;
  label: string;
  type: "text" | "email" | "tel" | "textarea" | "select";
  required: boolean;
  options: string[] | null;
}

export interface ObjectiveCopy {
  subjects: readonly [(facts: CopyFacts) => string, ...((facts: CopyFacts) => string)[]];
  heading: (facts: CopyFacts) => string;
  /** The sentence that says what this is about. */
  opener: (facts: CopyFacts) => string;
  /** The sentence that asks for the click. */
  ask: (facts: CopyFacts) => string;
  emailCta: string;
  heroCta: string;
  submitLabel: string;
  socialHook: (facts: CopyFacts) => string;
  socialCta: string;
  subheadline: (facts: CopyFacts) => string;
  /** How a feature item (one of the prompt's phrases) is explained, by position. */
  featureFrames: readonly [string, string, string];
  /** Features used when the prompt gives fewer than three phrases. */
  stockFeatures: readonly { title: string; description: string }[];
  faq: (facts: CopyFacts) => { question: string; answer: string }[];
  formFields: readonly FormFieldSpec[];
  hashtags: readonly string[];
}

const FIRST_NAME: FormFieldSpec = {
  name: "first_name",
  label: "First name",
  type: "text",
  required: true,
  options: null,
};
const EMAIL: FormFieldSpec = {
  name: "email",
  label: "Work email",
  type: "email",
  required: true,
  options: null,
};
const COMPANY = (required: boolean): FormFieldSpec => ({
  name: "company_name",
  label: "Company",
  type: "text",
  required,
  options: null,
});

const eventName = (facts: CopyFacts) => facts.event?.name ?? facts.campaign;
const eventWhen = (facts: CopyFacts) => (facts.event?.when ? ` on ${facts.event.when}` : "");

export const OBJECTIVE_COPY: Record<CampaignObjective, ObjectiveCopy> = {
  awareness: {
    subjects: [(f) => `New from ${f.brand}: ${f.focus}`, (f) => `${f.focus} — the short version`],
    heading: (f) => `${f.campaign}: what's new and why it matters`,
    opener: (f) => `We're sharing something new from ${f.brand}: ${f.focus}.`,
    ask: () =>
      `If it's relevant for {{company.name | "your team"}}, the page below has the details. It takes two minutes to read.`,
    emailCta: "See how it works",
    heroCta: "See how it works",
    submitLabel: "Keep me posted",
    socialHook: (f) => `New from ${f.brand}`,
    socialCta: "Learn more",
    subheadline: (f) => `${f.brand} in two minutes: what it is, who it's for and why it matters now.`,
    featureFrames: [
      "The core idea, explained without the jargon.",
      "Why it matters now, and who benefits most.",
      "What changes for you from day one.",
    ],
    stockFeatures: [
      { title: "What it is", description: "A clear explanation of what we do and how it works." },
      {
        title: "Who it's for",
        description: "The teams and situations where it makes the biggest difference.",
      },
      { title: "What's next", description: "Where we're heading, and how to follow along." },
    ],
    faq: (f) => [
      { question: `What is ${f.campaign}?`, answer: `In one line: ${f.focus}.` },
      {
        question: `Who is ${f.brand} for?`,
        answer: `Teams who want ${f.details[0] ?? f.focus} without extra tools or process.`,
      },
      {
        question: "How do I stay up to date?",
        answer: `Leave your email and ${f.brand} will send you the important updates, nothing else.`,
      },
    ],
    formFields: [FIRST_NAME, EMAIL, COMPANY(false)],
    hashtags: ["News", "Launch"],
  },
  lead_gen: {
    subjects: [(f) => `${f.focus}: see it working in 20 minutes`, (f) => `A practical look at ${f.focus}`],
    heading: (f) => `See ${f.campaign} working on your own use case`,
    opener: (f) => `Here's what ${f.brand} can do for {{company.name | "your team"}}: ${f.focus}.`,
    ask: () =>
      "Book a 20-minute demo and we'll walk through it with your own use case: no slides, no pressure, and you leave with a clear next step.",
    emailCta: "Book a demo",
    heroCta: "Book your demo",
    submitLabel: "Request my demo",
    socialHook: (f) => `See ${f.brand} in action`,
    socialCta: "Book a 20-minute demo",
    subheadline: (f) => `A 20-minute walkthrough with the ${f.brand} team, built around your use case.`,
    featureFrames: [
      "We'll show you exactly how this works, on your own use case.",
      "The setup is quick, and we'll map it to how your team works today.",
      "You'll leave the demo with a concrete plan and the numbers to back it.",
    ],
    stockFeatures: [
      {
        title: "A demo on your use case",
        description: "No generic slides: we show it working on your situation.",
      },
      { title: "A clear next step", description: "You leave with a plan, whether or not you choose us." },
      { title: "Answers from the team", description: "Ask the people who build it anything you want." },
    ],
    faq: (f) => [
      { question: "How long is the demo?", answer: "About 20 minutes, with time for your questions." },
      {
        question: "What will we look at?",
        answer: `Your use case first, then ${f.details.length > 0 ? f.details.join("; ") : f.focus}.`,
      },
      {
        question: "What happens after I submit the form?",
        answer: `Someone from ${f.brand} replies personally to find a time that suits you.`,
      },
    ],
    formFields: [
      FIRST_NAME,
      EMAIL,
      COMPANY(true),
      {
        name: "team_size",
        label: "Team size",
        type: "select",
        required: false,
        options: ["1-10", "11-50", "51-200", "201+"],
      },
      {
        name: "message",
        label: "What should we focus on?",
        type: "textarea",
        required: false,
        options: null,
      },
    ],
    hashtags: ["Demo", "Productivity"],
  },
  event: {
    subjects: [
      (f) => `You're invited: ${eventName(f)}${eventWhen(f)}`,
      (f) => `Save your seat: ${eventName(f)}${eventWhen(f)}`,
    ],
    heading: (f) => `Join us at ${eventName(f)}`,
    opener: (f) =>
      `We're hosting ${eventName(f)}${eventWhen(f)}${f.event?.where ? ` (${f.event.where})` : ""}, and we'd love to see you there. The theme: ${f.focus}.`,
    ask: () => "Save your seat now and we'll send the details and a reminder to your inbox.",
    emailCta: "Save my seat",
    heroCta: "Register now",
    submitLabel: "Register",
    socialHook: (f) => `You're invited: ${eventName(f)}`,
    socialCta: "Save your seat",
    subheadline: (f) =>
      [f.event?.when, f.event?.where].filter(Boolean).join(" · ") ||
      `Hosted by ${f.brand}. Details follow when you register.`,
    featureFrames: [
      "Covered in depth, with time for your questions.",
      "Practical takeaways you can use the next day.",
      "Straight from the people doing the work.",
    ],
    stockFeatures: [
      { title: "Live Q&A", description: "Bring your questions: we keep time for them." },
      { title: "Practical takeaways", description: "Examples you can apply the next day." },
      { title: "Meet the team", description: `The people behind the work, in one room.` },
    ],
    faq: (f) => [
      {
        question: "When and where is it?",
        answer: `${f.event?.when ?? "The date follows soon"}; ${f.event?.where ?? "the location follows when you register"}.`,
      },
      { question: "Who should attend?", answer: `Anyone interested in ${f.focus}.` },
      {
        question: "What if I can't make it?",
        answer: `Register anyway: ${f.brand} will send you the follow-up materials.`,
      },
    ],
    formFields: [
      FIRST_NAME,
      EMAIL,
      COMPANY(false),
      {
        name: "question",
        label: "A question for the speakers",
        type: "textarea",
        required: false,
        options: null,
      },
    ],
    hashtags: ["Event", "Webinar"],
  },
  investor: {
    subjects: [(f) => `${f.brand} update: ${f.focus}`, (f) => `Investor update from ${f.brand}: ${f.focus}`],
    heading: (f) => `Where ${f.brand} is heading`,
    opener: (f) => `A short update from ${f.brand} for investors we'd like to get to know: ${f.focus}.`,
    ask: () =>
      "If this fits your thesis, let's find 30 minutes to talk. We'll share the deck and the numbers behind it.",
    emailCta: "Schedule a call",
    heroCta: "Request the deck",
    submitLabel: "Request the deck",
    socialHook: (f) => `${f.brand} update`,
    socialCta: "Talk to the founders",
    subheadline: (f) => `The ${f.brand} story, the traction behind it, and what we're raising for.`,
    featureFrames: [
      "The progress behind the headline, with the numbers.",
      "Why this market, and why now.",
      "What the next round unlocks.",
    ],
    stockFeatures: [
      { title: "Traction", description: "Where we are today, and how fast it is moving." },
      { title: "Market", description: "The opportunity, sized honestly." },
      { title: "The round", description: "What we're raising and what it unlocks." },
    ],
    faq: (f) => [
      { question: `What is ${f.brand} building?`, answer: `In short: ${f.focus}.` },
      {
        question: "What will we cover in a call?",
        answer: `Traction, the plan for the round, and ${f.details[0] ?? "your questions"}.`,
      },
      {
        question: "How do I get the deck?",
        answer: "Leave your details and the founders will send it personally.",
      },
    ],
    formFields: [
      FIRST_NAME,
      EMAIL,
      { name: "fund_name", label: "Fund or firm", type: "text", required: true, options: null },
      {
        name: "check_size",
        label: "Typical check size",
        type: "select",
        required: false,
        options: ["Under $250k", "$250k-$1M", "Over $1M"],
      },
    ],
    hashtags: ["Startup", "Fundraising"],
  },
  early_adopters: {
    subjects: [(f) => `Early access: ${f.focus}`, (f) => `Be among the first to try ${f.campaign}`],
    heading: (f) => `Help shape ${f.campaign}`,
    opener: (f) => `We're opening ${f.campaign} to a small group of early users first: ${f.focus}.`,
    ask: () =>
      "Early users get direct access to the team and a real say in what we build next. Request your spot below.",
    emailCta: "Request early access",
    heroCta: "Join the early access list",
    submitLabel: "Join the list",
    socialHook: (f) => `Early access to ${f.brand} is open`,
    socialCta: "Request your spot",
    subheadline: (f) => `Get in early, work directly with the ${f.brand} team, and shape what ships next.`,
    featureFrames: [
      "Yours to try before anyone else.",
      "Shaped by your feedback, release by release.",
      "A direct line to the team building it.",
    ],
    stockFeatures: [
      { title: "First access", description: "Try new features before anyone else." },
      { title: "A real say", description: "Your feedback decides what we build next." },
      {
        title: "Direct line to the team",
        description: "Talk to the people who build it, not a ticket queue.",
      },
    ],
    faq: (f) => [
      { question: "What does early access include?", answer: `${f.focus}, plus a direct line to the team.` },
      {
        question: "What do you ask of early users?",
        answer: "Honest feedback: a short call or a few notes when something works, or doesn't.",
      },
      {
        question: "When do I get in?",
        answer: `${f.brand} lets people in in small groups and emails you when your spot is ready.`,
      },
    ],
    formFields: [
      FIRST_NAME,
      EMAIL,
      COMPANY(false),
      {
        name: "use_case",
        label: "What would you use it for?",
        type: "textarea",
        required: false,
        options: null,
      },
    ],
    hashtags: ["EarlyAccess", "Beta"],
  },
};
