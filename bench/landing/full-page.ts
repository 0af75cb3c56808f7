import type { LandingBlock, LandingPageSettings } from "../../shared/schemas/index.ts";

/**
 * The fullest page the content schema allows (shared/schemas/assets.ts LandingPageContentSchema):
 * 6 features, 4 quotes, 8 FAQ items, a form of 6 fields (one a select with 8 options), every text
 * close to its maximum length. Real, varied prose (not repeated characters, which gzip far better
 * than copy does), a few non-ASCII characters, and some characters the renderer has to escape.
 */

const problems: string[] = [];

/** The text, checked to be within `max` and at least `floor` × `max` (so "near max" stays true). */
function near(max: number, text: string, floor = 0.9): string {
  const length = text.trim().length;
  if (length > max || length < max * floor) {
    problems.push(`${length} chars, want ${Math.ceil(max * floor)}–${max}: ${text.slice(0, 70)}…`);
  }
  return text.trim();
}

export const FULL_TITLE = near(
  200,
  "Fieldnote Sync — the offline-first research notebook for field teams: capture interviews, photos and " +
    "GPS-tagged observations anywhere, then merge everything the moment you're back online",
);

export const FULL_BLOCKS: LandingBlock[] = [
  {
    type: "hero",
    headline: near(
      120,
      "Your field notes, safe and in sync — even three days from the nearest cell tower, with no data lost",
      0.8,
    ),
    subheadline: near(
      250,
      "Fieldnote Sync keeps interviews, photos, sketches and GPS-tagged observations on your device, encrypts " +
        "them, and merges every teammate's changes without conflicts once a connection returns. Join the free " +
        "beta cohort this spring.",
    ),
    cta_label: near(40, "Reserve my seat in the spring beta →", 0.8),
  },
  {
    type: "features",
    items: [
      {
        title: near(80, "Works with no signal at all, for as long as your expedition lasts", 0.8),
        description: near(
          300,
          "Every note, recording and photo is written to encrypted local storage first. You can work for weeks " +
            "without a connection: search, tag, link observations to sites and export a day's log as PDF, all " +
            "offline. Nothing waits on a server, so a dropped satellite link never costs you an entry again.",
        ),
      },
      {
        title: near(80, "Conflict-free merging when three people edit the same site record", 0.8),
        description: near(
          300,
          "Sync uses per-field history, so when Amara updates the soil pH while Jonas adds a photo to the same " +
            "plot, both changes survive. If two people really do disagree, you see both values side by side with " +
            "who wrote them and when, and pick one — nobody's afternoon of work silently disappears.",
        ),
      },
      {
        title: near(80, "GPS, altitude and weather stamped on every observation you capture", 0.8),
        description: near(
          300,
          "Coordinates come from the phone's own receiver, so they work in airplane mode. Each entry also keeps " +
            "altitude, heading, accuracy radius and, when you were last online, the forecast for that grid cell. " +
            "Export to GeoJSON, KML or CSV in one tap and drop it straight into QGIS or ArcGIS.",
        ),
      },
      {
        title: near(80, "Interview recordings transcribed on the device itself, in 14 languages", 0.8),
        description: near(
          300,
          "Record consent and the conversation in the app; transcription runs locally overnight while the phone " +
            "charges, so no audio leaves the device unless you choose to upload it. Timestamps link each quote to " +
            "its moment in the recording, which makes coding interviews later a great deal faster.",
        ),
      },
      {
        title: near(80, "Ethics-board friendly: consent forms, retention rules and audit trail", 0.8),
        description: near(
          300,
          "Attach signed consent to each participant, set how long raw recordings may be kept, and let the app " +
            "remind you when they're due for deletion. Every view, edit and export is logged with who did it, so " +
            "answering your IRB's questions takes minutes instead of a week of digging through folders.",
        ),
      },
      {
        title: near(80, "Built for rugged phones, old tablets and batteries that must last", 0.8),
        description: near(
          300,
          "The app runs on Android 9 and iOS 15, needs under 60 MB, and its dark field mode is readable in full " +
            "sun. Background sync pauses below 20 % battery. We test on the same €150 rugged phones many teams " +
            "carry, not only on this year's flagships, so it stays quick where you actually work.",
        ),
      },
    ],
  },
  {
    type: "social_proof",
    quotes: [
      {
        quote: near(
          300,
          "We spent six weeks in the Pantanal with two satellite windows a day. In past seasons we lost notes every " +
            "time a tablet died; this year every observation came home, and merging four people's work took an " +
            "evening instead of the first fortnight back at the university. I won't go back to spreadsheets.",
        ),
        author: near(
          100,
          "Dr. Luísa Carvalho, wetland ecologist, Federal University of Mato Grosso do Sul",
          0.75,
        ),
      },
      {
        quote: near(
          300,
          "Our enumerators interview farmers in villages with no coverage at all. Before, answers were typed up " +
            "from paper at night and mistakes crept in. Now the forms validate on the spot, recordings stay on the " +
            "device until we're back in Kisumu, and our data manager finally sleeps through survey season.",
        ),
        author: near(
          100,
          "Peter Otieno, survey coordinator, Lake Basin Agricultural Research Initiative",
          0.75,
        ),
      },
      {
        quote: near(
          300,
          "I was sceptical of yet another notes app, but conflict handling sold me: when two of us edited the same " +
            "transect record, it showed both versions and asked. That alone saved our 2024 bird count. Setup took " +
            "an afternoon, and the export to R was clean enough that I didn't have to write a single parser.",
        ),
        author: near(100, "Hannah Lindqvist, PhD candidate in ornithology, Lund University, Sweden", 0.7),
      },
      {
        quote: near(
          300,
          "For an archaeology dig, provenance is everything. Each find now carries coordinates, depth, photo and " +
            "who logged it, and the audit trail satisfied the heritage authority without extra paperwork. Students " +
            "learn the app in a morning, and we've stopped losing context sheets to the wind and the rain.",
        ),
        author: near(
          100,
          "Prof. Tomás Aguilar, director of excavations, Cerro Azul Archaeological Project",
          0.75,
        ),
      },
    ],
  },
  {
    type: "faq",
    items: [
      {
        question: near(
          200,
          "How long can I work without any connection before something goes wrong, and what happens if my phone " +
            "runs out of storage halfway through an expedition in the middle of nowhere?",
          0.85,
        ),
        answer: near(
          600,
          "There is no time limit: the app never needs the server to save, search or export your work. We've had " +
            "teams stay offline for eleven weeks. Storage is the real constraint, so the app shows how many days of " +
            "photos and audio you have left at your current pace, warns you at 80 % and again at 95 %, and can " +
            "move older recordings to an SD card or a USB drive without breaking their links to your notes. If the " +
            "disk does fill up, new text notes still save (they are tiny), and nothing already stored is touched or " +
            "overwritten. Syncing later sends only what changed.",
        ),
      },
      {
        question: near(
          200,
          "Is my data encrypted, who can read it, and where exactly is it stored once it has been synced to your " +
            "servers? Our ethics board asks us to name the country of every data centre.",
          0.85,
        ),
        answer: near(
          600,
          "Everything is encrypted on the device with a key derived from your passphrase, and again in transit " +
            "with TLS 1.3. On our side, records are stored in the region you choose when you create the workspace: " +
            "Frankfurt (Germany), Dublin (Ireland), Montréal (Canada) or Sydney (Australia). Backups stay in the " +
            "same region. Our staff cannot read your notes or recordings without a support grant that you issue, " +
            "and that grant expires after 72 hours. We publish a data processing agreement, a list of " +
            "sub-processors, and our last penetration test summary for your ethics board.",
        ),
      },
      {
        question: near(
          200,
          "What happens when two people on the team edit the same observation while both of them are offline, " +
            "and then sync on different days from different places, perhaps a week apart?",
          0.85,
        ),
        answer: near(
          600,
          "Each field keeps its own history, so edits to different fields of one record simply combine: if you " +
            "change the species and your colleague adds a photo, you get both. When you both change the same field, " +
            "the record is marked for review, the app shows each value with its author, device and time, and " +
            "whoever opens it next decides. Until then, exports include the newest value plus a flag, so an " +
            "analysis never quietly uses a value somebody meant to replace. Deleted items go to a bin for 30 days, " +
            "so an accidental delete on one phone can always be undone from another.",
        ),
      },
      {
        question: near(
          200,
          "Which devices and operating systems are supported, and will it run on the older rugged Android phones " +
            "that our field assistants already carry with them on every single trip out?",
          0.85,
        ),
        answer: near(
          600,
          "Fieldnote Sync runs on Android 9 or newer and iOS 15 or newer, on phones and tablets, plus a desktop " +
            "app for Windows, macOS and Linux that your data manager can use back at the office. It needs about " +
            "60 MB of space, 2 GB of memory is plenty, and we test every release on five rugged models that cost " +
            "under €200, including the Ulefone Armor and the Blackview BV series. Offline transcription needs a bit " +
            "more: 4 GB of memory and an extra 500 MB per language you install. Without it, you can record and " +
            "transcribe later on the desktop app instead.",
        ),
      },
      {
        question: near(
          200,
          "Can we import our existing spreadsheets, KoBoToolbox forms or ODK surveys, and export the results to R, " +
            "Python, SPSS or QGIS when the season is over and we start writing up?",
          0.85,
        ),
        answer: near(
          600,
          "Yes. You can import CSV and Excel files, XLSForm definitions (the format KoBoToolbox and ODK use) and " +
            "GeoJSON layers; the importer previews the mapping and lets you fix column types before anything is " +
            "written. Exports go to CSV, Excel, GeoJSON, KML, SPSS (.sav) and a tidy long format that reads straight " +
            "into R or pandas, with a data dictionary alongside. Photos and audio export as a folder with stable " +
            "file names that match the record IDs. There is also a read-only REST API with per-project tokens, for " +
            "teams who want nightly pulls into their own warehouse or dashboard.",
        ),
      },
      {
        question: near(
          200,
          "How much does it cost after the beta, is there a discount for universities and NGOs, and can we pay " +
            "from a grant with an invoice instead of a company credit card or PayPal?",
          0.85,
        ),
        answer: near(
          600,
          "The beta is free until the end of September, for up to 15 people per team. After that, plans start at " +
            "€9 per active member per month, and you only pay for months in which someone actually synced. " +
            "Universities, registered charities and NGOs get 40 % off, and students working on a thesis can use it " +
            "free for a year. We invoice in EUR, USD or GBP, accept bank transfer, and can quote a fixed price for " +
            "a whole grant period so it fits your budget line. Beta members keep a 25 % discount for their first " +
            "two years, whichever plan they choose once the beta closes.",
        ),
      },
      {
        question: near(
          200,
          "What do we need to do to get our whole team ready before we leave, and how much training time should " +
            "we plan for people who have never used anything quite like it before?",
          0.85,
        ),
        answer: near(
          600,
          "Most teams are ready in an afternoon. You create a workspace, invite people by email, and either start " +
            "from one of our templates (vegetation plots, bird transects, household surveys, excavation context " +
            "sheets) or import your own form. We run a free 45-minute onboarding call for every beta team, and the " +
            "app ships with a practice project that works offline, so assistants can rehearse on the bus to the " +
            "site. Do a test sync on the office Wi-Fi before you leave, check each device has the languages it " +
            "needs downloaded, and print the one-page quick guide we send you.",
        ),
      },
      {
        question: near(
          200,
          "If we decide to leave later on, can we take all of our data with us, and what happens to our recordings " +
            "and photos after we cancel the subscription for good at some point?",
          0.85,
        ),
        answer: near(
          600,
          "Your data is yours. At any time, one click builds a full export of every project: records in open " +
            "formats, all photos and recordings, the audit trail and the consent documents, packed in a zip with a " +
            "checksum file so you can verify nothing was lost. After you cancel, the workspace stays readable for " +
            "90 days so you can export at your own pace; then it is deleted, including backups, within a further " +
            "35 days, and we email you a deletion certificate for your records. Copies on your own devices are not " +
            "affected: the app keeps working offline as a read-only archive.",
        ),
      },
    ],
  },
  {
    type: "form",
    fields: [
      {
        name: "first_name",
        label: near(80, "First name (as it should appear on your beta welcome email)", 0.7),
        type: "text",
        required: true,
        options: null,
      },
      {
        name: "last_name",
        label: near(80, "Last name or family name (leave blank if you only use one name)", 0.75),
        type: "text",
        required: false,
        options: null,
      },
      {
        name: "email",
        label: near(80, "Work or university email address — we'll send your invite here", 0.75),
        type: "email",
        required: true,
        options: null,
      },
      {
        name: "company_name",
        label: near(80, "University, institute, NGO or company you are doing fieldwork for", 0.75),
        type: "text",
        required: false,
        options: null,
      },
      {
        name: "team_size",
        label: near(80, "How many people will take part in your next field season, roughly?", 0.75),
        type: "select",
        required: true,
        options: [
          "Just me, working alone on my own thesis or independent project",
          "2–4 people: a small team sharing the same sites and records",
          "5–10 people: a lab group or a survey team with one coordinator",
          "11–25 people: several teams working in different regions",
          "26–50 people: a multi-site programme with data managers",
          "51–100 people: a large survey with enumerators and supervisors",
          "More than 100 people across several countries and partners",
          "Not sure yet — we are still writing the grant application",
        ],
      },
      {
        name: "message",
        label: near(80, "Where and when is your next trip, and what do you mostly record there?", 0.75),
        type: "textarea",
        required: false,
        options: null,
      },
    ],
    submit_label: near(40, "Request my invitation to the beta", 0.75),
  },
  {
    type: "footer",
    text: near(
      300,
      "© 2026 Fieldnote Labs GmbH · Schönhauser Allee 36, 10435 Berlin, Germany · We use your details only to " +
        "run the beta and will never sell them. Questions? Write to beta@fieldnote.example & we'll answer within " +
        "two working days. <Unsubscribe> from any of our emails with one click.",
    ),
  },
];

export const FULL_SETTINGS: Partial<LandingPageSettings> = {
  consent_text: near(
    500,
    "I agree that Fieldnote Labs GmbH may email me about the Fieldnote Sync beta: my invitation, onboarding " +
      "dates, release notes and a short survey at the end of the season. My details are stored in the EU, are " +
      "never sold or shared with advertisers, and are deleted 12 months after the beta ends unless I become a " +
      "customer. I can withdraw my consent at any time by clicking the unsubscribe link in any email or by " +
      "writing to privacy@fieldnote.example, without affecting anything done before I withdrew it.",
  ),
  thank_you_message:
    "Thank you! Check your inbox: your invitation and the onboarding dates are on their way, usually within a minute.",
};

if (problems.length > 0) throw new Error(`full page copy off its lengths:\n${problems.join("\n")}`);
