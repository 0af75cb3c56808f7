import type { RecordId } from "surrealdb";
import type {
  ClaimedDelivery,
  DeliveryOutcome,
  PlannedDelivery,
  Repositories,
  SystemEntry,
} from "../db/repositories/index.ts";
import { CHANNEL_ASSET, executionGaps } from "../domain/campaign-status.ts";
import { AppError } from "../errors/index.ts";
import { EmailContentSchema, LandingPageContentSchema, SocialPostsContentSchema } from "../schemas/assets.ts";
import type { Campaign } from "../schemas/campaign.ts";
import type { CampaignRun } from "../schemas/delivery.ts";
import { defaultLandingSettings } from "../schemas/landing-page.ts";
import type { SegmentTree } from "../schemas/segment-tree.ts";
import { buildEmailMessage, type MessageContext, senderOf, unsubscribeMailboxOf } from "./email-message.ts";
import { enqueueInvitations } from "./invitations.ts";
import { emitEvent } from "./outgoing-webhooks.ts";
import { enqueueInChunks, type Queue } from "./queue.ts";
import { TokenSigner } from "./tokens.ts";
import type { EmailTransport } from "./transport.ts";

/**
 * Campaign execution, from claim to completion. Each step is a function of (repositories, queue,
 * transport) with no platform types, so the Worker's fetch/scheduled/queue handlers only wire it:
 *
 *   claim (campaign → running, run created: once) → `prepare` message
 *   prepare: segment → deliveries (unique per campaign, channel, contact; suppressed ones skipped)
 *            → `send` messages of at most 100 deliveries
 *   send:    claim deliveries (lease) → render → transport → outcomes + timeline + scores (one tx)
 *            → complete the run when every delivery is final
 *
 * Every step can run twice (queue redelivery, the cron's sweep, a crash half-way) without sending
 * anything twice or losing a recipient.
 */

export interface DeliverySettings {
  publicBaseUrl: string;
  trackingSecret: string;
  unsubscribeMailbox: string | undefined;
}

/** Recipients per `send` message (Resend's and Postmark's batch limits are 100 and 500). */
export const SEND_BATCH = 100;

/** What executing a campaign needs that the campaign itself does not say. */
async function gapsOf(repos: Repositories, campaign: Campaign): Promise<string[]> {
  const [assetTypes, brand] = await Promise.all([
    repos.campaigns.assetTypes(campaign.id),
    repos.settings.getBrand(),
  ]);
  return executionGaps({
    hasSegment: Boolean(campaign.segment ?? campaign.segment_tree),
    channels: campaign.channels,
    assetTypes,
    senderEmail: brand.default_sender_email,
  });
}

/**
 * `POST /api/campaigns/{id}/execute`: runs a draft or scheduled campaign now. 409 with the reason when
 * it is not ready or already started (including by a cron that got there first).
 */
export async function executeNow(
  repos: Repositories,
  queue: Queue,
  campaignKey: string,
): Promise<CampaignRun> {
  const campaign = await repos.campaigns.require(campaignKey);
  if (campaign.status !== "draft" && campaign.status !== "scheduled") {
    throw new AppError("conflict", `a ${campaign.status} campaign cannot be executed`, { field: "status" });
  }
  const gaps = await gapsOf(repos, campaign);
  if (gaps.length > 0) {
    throw new AppError("conflict", `cannot execute yet: ${gaps.join("; ")}`, { field: "status" });
  }
  const run = await repos.deliveries.claim(campaignKey, "manual", { from: ["draft", "scheduled"] });
  if (!run)
    throw new AppError("conflict", "the campaign was started by someone else just now", { field: "status" });
  await enqueuePrepare(queue, run.id);
  return run;
}

/**
 * Queues a claimed run's preparation. The claim is already committed, so a queue that cannot take the
 * message now is logged, not an error: the cron's sweep re-enqueues runs still preparing.
 */
async function enqueuePrepare(queue: Queue, run: string): Promise<void> {
  try {
    await queue.send({ type: "prepare", run });
  } catch (error) {
    console.error(JSON.stringify({ run, step: "enqueue prepare", error: String(error) }));
  }
}

/** The cron's part: start every scheduled campaign whose time has come (each exactly once). */
export async function startDueCampaigns(repos: Repositories, queue: Queue, now: Date): Promise<string[]> {
  const started: string[] = [];
  for (const key of await repos.deliveries.dueCampaigns(now, 50)) {
    const run = await repos.deliveries.claim(key, "schedule", { from: ["scheduled"], dueBy: now });
    if (!run) continue; // another invocation (or a manual execute) claimed it first
    await enqueuePrepare(queue, run.id);
    started.push(key);
  }
  return started;
}

/**
 * The cron's sweep: re-enqueues work whose queue message was lost (a crash between a database write
 * and the enqueue, a database outage mid-run) and ends runs whose deliveries are all final. Harmless
 * when nothing was lost: a delivery is sent only by whoever claims it.
 */
export async function sweepOpenRuns(repos: Repositories, queue: Queue, now: Date): Promise<number> {
  const stale = new Date(now.getTime() - 5 * 60_000);
  let requeued = 0;
  for (const run of await repos.deliveries.openRuns(stale, 20)) {
    if (run.status === "preparing") {
      // Not enqueuePrepare: if the queue refuses now, the run stays untouched and the next sweep retries.
      await queue.send({ type: "prepare", run: run.id });
    } else {
      const waiting = await repos.deliveries.waiting(run.id, stale);
      requeued += await enqueueSends(queue, run.id, waiting);
      await completeRun(repos, queue, run.id);
    }
    await repos.deliveries.touch(run.id);
  }
  return requeued;
}

/**
 * Ends the run if every delivery is final; the one call that ends it tells the webhook subscribers
 * (campaign.completed). A failure to notify is logged, never a reason to redo the run.
 */
async function completeRun(repos: Repositories, queue: Queue, runKey: string): Promise<void> {
  if (!(await repos.deliveries.completeIfDone(runKey))) return;
  const run = await repos.deliveries.run(runKey);
  if (run?.status !== "completed") return;
  try {
    await emitEvent(repos, queue, "campaign.completed", `campaign.completed:${run.campaign}`, {
      campaign: run.campaign,
      run: { id: run.id, trigger: run.trigger, started_at: run.started_at, completed_at: run.completed_at },
      results: run.results,
    });
  } catch (error) {
    console.error(JSON.stringify({ event: "campaign.completed", run: runKey, error: String(error) }));
  }
}

async function enqueueSends(queue: Queue, run: string, keys: readonly string[]): Promise<number> {
  await enqueueInChunks(queue, keys, SEND_BATCH, (deliveries) => ({ type: "send", run, deliveries }));
  return keys.length;
}

async function audienceOf(repos: Repositories, campaign: Campaign): Promise<SegmentTree> {
  if (campaign.segment_tree) return campaign.segment_tree;
  if (campaign.segment) return (await repos.segments.require(campaign.segment)).tree;
  throw new AppError("conflict", "the campaign has no audience");
}

/**
 * A `prepare` message: evaluates the audience once, writes a delivery per recipient and channel
 * (suppressed addresses as skipped), then queues the sends. Repeating it writes nothing twice.
 */
export async function prepareRun(
  repos: Repositories,
  queue: Queue,
  settings: Pick<DeliverySettings, "publicBaseUrl">,
  runKey: string,
  now = new Date(),
) {
  const run = await repos.deliveries.runs.get(runKey);
  if (run?.status !== "preparing") return;
  const campaign = await repos.campaigns.require(run.campaign);
  if (campaign.status === "cancelled") {
    await repos.deliveries.markPrepared(runKey);
    await completeRun(repos, queue, runKey);
    return;
  }
  const [members, suppressed] = await Promise.all([
    repos.segments.members(await audienceOf(repos, campaign), now),
    repos.suppressions.all(),
  ]);
  const planned: PlannedDelivery[] = [];
  if (campaign.channels.includes("email")) {
    for (const member of members) {
      const blocked = suppressed.has(member.email);
      planned.push({
        channel: "email",
        contact: member.id,
        email: member.email,
        status: blocked ? "skipped" : "queued",
        ...(blocked ? { reason: "suppressed: the address unsubscribed, bounced or complained" } : {}),
      });
    }
  }
  if (campaign.channels.includes("event"))
    planned.push(...(await inviteToEvent(repos, queue, run, campaign, members)));
  await repos.deliveries.plan(runKey, campaign.id, planned);
  await publishChannels(repos, queue, settings, runKey, campaign, now);
  await repos.deliveries.markPrepared(runKey);
  await enqueueSends(queue, runKey, await repos.deliveries.waiting(runKey));
  await completeRun(repos, queue, runKey);
}

/**
 * The `event` channel: the audience is invited to the campaign's event through the events API (an
 * RSVP and an `event_invite` entry each, idempotent) and, when the brand has a sender, emailed their
 * personal RSVP link (each at most once). Its deliveries say who this run invited (sent) and who had
 * an invitation already or could not be invited (skipped, with why); "this run" is read back from
 * the RSVPs' invitation times, so a repeated prepare counts the same.
 */
async function inviteToEvent(
  repos: Repositories,
  queue: Queue,
  run: { id: string; started_at: string },
  campaign: Campaign,
  members: ReadonlyArray<{ id: RecordId; email: string }>,
): Promise<PlannedDelivery[]> {
  const planned = (member: { id: RecordId; email: string }, reason?: string): PlannedDelivery =>
    reason
      ? { channel: "event", contact: member.id, email: member.email, status: "skipped", reason }
      : { channel: "event", contact: member.id, email: member.email, status: "sent" };
  const event = campaign.event ? await repos.events.get(campaign.event) : undefined;
  if (!event) {
    const note = campaign.event ? "the campaign's event no longer exists" : "the campaign has no event";
    await repos.deliveries.setPublished(run.id, "event", { event: campaign.event, note });
    return members.map((member) => planned(member, note));
  }
  const result = await repos.events.invite(event.id, { members });
  const mine = new Set(await repos.events.invitedSince(event.id, result.invitees, new Date(run.started_at)));
  const emailed = senderOf(await repos.settings.getBrand())
    ? await repos.events.requestInvitations(event.id, result.invitees)
    : [];
  await enqueueInvitations(queue, event.id, emailed);
  await repos.deliveries.setPublished(run.id, "event", {
    event: event.id,
    note:
      `${mine.size} invited, ${members.length - mine.size} had an invitation already; ` +
      (emailed.length > 0 ? `${emailed.length} invitation emails queued` : "no invitation emails queued"),
  });
  return members.map((member) =>
    mine.has(String(member.id.id)) ? planned(member) : planned(member, "already invited to the event"),
  );
}

/**
 * The channels that send no messages: the landing page asset is published as a landing page (same
 * key, served at /lp/{slug} and /lp/{asset id}; its URL recorded on the asset and the run), and the social posts are stored as scheduled items, each handed to the webhook
 * subscribers of `social.post_scheduled` (and marked handed off) when there are any.
 */
async function publishChannels(
  repos: Repositories,
  queue: Queue,
  settings: Pick<DeliverySettings, "publicBaseUrl">,
  runKey: string,
  campaign: Campaign,
  now: Date,
) {
  const assets = await repos.assets.listForCampaign(campaign.id);
  const page = assets.find((asset) => asset.type === CHANNEL_ASSET.landing_page);
  const content = LandingPageContentSchema.safeParse(page?.content);
  if (campaign.channels.includes("landing_page") && page && content.success) {
    const brand = await repos.settings.getBrand();
    const published = await repos.landingPages.publishFromAsset({
      key: page.id,
      campaign: campaign.id,
      title: campaign.name,
      content: content.data,
      metadata: page.metadata,
      settings: (slug) => defaultLandingSettings(brand.brand_name, slug),
    });
    const url = `${settings.publicBaseUrl}/lp/${published.slug}`;
    await repos.assets.setUrl(page.id, url);
    await repos.deliveries.setPublished(runKey, "landing_page", { url, published_at: now });
  }
  const social = SocialPostsContentSchema.safeParse(
    assets.find((asset) => asset.type === CHANNEL_ASSET.social)?.content,
  );
  if (campaign.channels.includes("social") && social.success) {
    const scheduledFor = campaign.scheduled_at ? new Date(campaign.scheduled_at) : now;
    const posts = await repos.deliveries.scheduleSocialPosts(
      runKey,
      campaign.id,
      social.data.posts.map((post) => ({
        platform: post.platform,
        text: post.text,
        hashtags: post.hashtags,
      })),
      scheduledFor,
    );
    const handedOff: string[] = [];
    for (const post of posts) {
      const subscribers = await emitEvent(
        repos,
        queue,
        "social.post_scheduled",
        `social.post_scheduled:${post.id}`,
        {
          campaign: campaign.id,
          post: { ...post, scheduled_for: scheduledFor.toISOString() },
        },
      );
      if (subscribers > 0) handedOff.push(post.id);
    }
    await repos.deliveries.markHandedOff(handedOff);
  }
}

/** What the queue consumer should do with a `send` message after it was handled. */
export type SendVerdict = { retry: false } | { retry: true; reason: string; delaySeconds?: number };

/**
 * A `send` message: claims its deliveries (only those nobody else has), renders each recipient's
 * email, hands them to the transport, and records the outcomes with the timeline entries and
 * scores. Transient failures release their deliveries and ask for a retry; final ones are recorded.
 */
export async function sendDeliveries(
  repos: Repositories,
  queue: Queue,
  transport: EmailTransport,
  settings: DeliverySettings,
  message: { run: string; deliveries: string[] },
): Promise<SendVerdict> {
  // The row only: counting the run's results here would read every delivery for every batch.
  const run = await repos.deliveries.runs.get(message.run);
  if (!run) return { retry: false };
  const campaign = await repos.campaigns.require(run.campaign);
  if (campaign.status === "paused") return { retry: true, reason: "the campaign is paused" };
  if (campaign.status === "cancelled") {
    await repos.deliveries.skipWaiting(message.run, "the campaign was cancelled");
    await completeRun(repos, queue, message.run);
    return { retry: false };
  }
  const claimed = await repos.deliveries.claimDeliveries(message.deliveries);
  if (claimed.length === 0) {
    await completeRun(repos, queue, message.run);
    return { retry: false };
  }
  const outcomes = await sendEmails(repos, transport, settings, campaign, claimed);
  const sent = new Set(outcomes.flatMap((outcome) => (outcome.status === "sent" ? [outcome.delivery] : [])));
  const entries: SystemEntry[] = claimed
    .filter((delivery) => sent.has(delivery.id))
    .map((delivery) => ({
      contact: delivery.contact,
      company: delivery.company,
      type: "email_sent",
      content: `Sent "${campaign.name}"`,
      metadata: { campaign: campaign.id, delivery: delivery.id, provider: transport.name },
    }));
  await repos.deliveries.record(outcomes, entries);
  const transient = outcomes.find((outcome) => outcome.status === "queued");
  if (transient?.status === "queued") {
    const { reason, retryAfter } = transient;
    return { retry: true, reason, ...(retryAfter ? { delaySeconds: retryAfter } : {}) };
  }
  await completeRun(repos, queue, message.run);
  return { retry: false };
}

async function sendEmails(
  repos: Repositories,
  transport: EmailTransport,
  settings: DeliverySettings,
  campaign: Campaign,
  claimed: readonly ClaimedDelivery[],
): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = [];
  const [brand, assets, suppressed] = await Promise.all([
    repos.settings.getBrand(),
    repos.assets.listForCampaign(campaign.id),
    repos.suppressions.suppressedAmong(claimed.map((item) => item.email)),
  ]);
  const asset = assets.find((item) => item.type === CHANNEL_ASSET.email);
  const content = EmailContentSchema.safeParse(asset?.content);
  const from = senderOf(brand);
  if (!content.success || !from) {
    const reason = !from
      ? "no sender: set default_sender_email in /api/settings"
      : "the campaign has no email";
    return claimed.map((item) => ({ delivery: item.id, status: "failed", reason }));
  }
  const context: MessageContext = {
    publicBaseUrl: settings.publicBaseUrl,
    brand,
    from,
    unsubscribeMailbox: unsubscribeMailboxOf(settings.unsubscribeMailbox, brand),
    signer: new TokenSigner(settings.trackingSecret),
  };
  const sendable = claimed.filter((item) => {
    if (!suppressed.has(item.email)) return true;
    // Unsubscribed or bounced after the run was prepared: honoured at the last moment.
    outcomes.push({ delivery: item.id, status: "skipped", reason: "suppressed since the run started" });
    return false;
  });
  const messages = await Promise.all(
    sendable.map((item) => buildEmailMessage(content.data, { ...item, delivery: item.id }, context)),
  );
  const results = messages.length > 0 ? await transport.send(messages) : [];
  sendable.forEach((item, index) => {
    const result = results[index] ?? { ok: false, transient: true, error: "the transport gave no answer" };
    if (result.ok) {
      outcomes.push({
        delivery: item.id,
        status: "sent",
        provider: transport.name,
        providerMessageId: result.providerMessageId,
      });
    } else {
      outcomes.push(
        result.transient
          ? { delivery: item.id, status: "queued", reason: result.error, retryAfter: result.retryAfter }
          : { delivery: item.id, status: "failed", reason: result.error },
      );
    }
  });
  return outcomes;
}

/**
 * A `send` message that exhausted its retries (the dead-letter queue's consumer): whatever of it is
 * still not final is marked failed with the last error, so nothing is silently dropped, and the run
 * can complete.
 */
export async function failExhausted(
  repos: Repositories,
  queue: Queue,
  message: { run: string; deliveries: string[] },
) {
  await repos.deliveries.failUnfinished(message.deliveries, "gave up after retries");
  await completeRun(repos, queue, message.run);
}
