/**
 * `npm run bench:campaign`: how fast a campaign goes out, and what the pipeline costs over the bare
 * writes it cannot avoid.
 *
 * 1. Starts a local SurrealDB server on 127.0.0.1 (surrealkv in a temporary folder), applies the
 *    migrations and inserts BENCH_RECIPIENTS contacts (100,000) tagged for the campaign.
 * 2. Serves the built gateway Worker (dist/gateway) in workerd through Miniflare with the delivery
 *    queue's producer and consumer as in wrangler.toml, and the outbox transport.
 * 3. Through the API: brand settings, an email campaign to the tag, its drafted email, then
 *    `POST /api/campaigns/{id}/execute`; polls `GET /api/campaigns/{id}/runs` until the run completes.
 *    Reports recipients per second and the workerd process's peak resident memory (VmHWM).
 * 4. Raw: the same number of delivery records written straight through the SDK in batched inserts of
 *    1,000; reports pipeline throughput / raw throughput.
 * 5. Provider: BENCH_PROVIDER_RECIPIENTS (10,000) recipients through the Resend transport to the local
 *    provider server limited to 2 requests per second (100 recipients each); reports the total time
 *    against the theoretical floor (requests / 2 per second).
 *
 * Everything it starts it stops; nothing leaves 127.0.0.1.
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { RecordId } from "surrealdb";
import WebSocket from "ws";
import { DbClient } from "../../shared/db/client.ts";
import type { DatabaseConfig } from "../../shared/db/config.ts";
import { applyMigrations } from "../../shared/db/migrations.ts";
import { readMigrations } from "../../shared/db/migrations-fs.ts";
import { FAKE_RESEND_KEY, startFakeEmailProvider } from "../../shared/testing/node/fake-email-provider.ts";
import { type BenchGateway, startBenchDatabase, startGateway, workerdPids } from "../harness.ts";

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
const PROVIDER_RECIPIENTS = Number(process.env.BENCH_PROVIDER_RECIPIENTS ?? 10_000);
const PROVIDER_RATE = 2;
const nodeWebSocket = WebSocket as unknown as typeof globalThis.WebSocket;

async function seedContacts(db: DbClient, count: number, tag: string) {
  for (let start = 0; start < count; start += 5_000) {
    const rows = Array.from({ length: Math.min(5_000, count - start) }, (_, i) => ({
      first_name: `Reader${start + i}`,
      last_name: "Bench",
      email: `reader${start + i}@${tag}.example`,
      tags: [tag],
    }));
    await db.query("INSERT INTO contact $rows RETURN NONE", { rows });
  }
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

type Stack = BenchGateway;

/** The gateway with the delivery queue's producer and consumers as in wrangler.toml. */
function startWorker(
  config: DatabaseConfig & { credentials: { username: string; password: string } },
  extra: Record<string, string>,
) {
  return startGateway(config, {
    bindings: { PUBLIC_BASE_URL: "https://crm.bench", ...extra },
    extra: {
      queueProducers: { DELIVERY_QUEUE: "crm-delivery" },
      queueConsumers: {
        "crm-delivery": {
          maxBatchSize: 10,
          maxBatchTimeout: 1,
          maxRetries: 5,
          deadLetterQueue: "crm-delivery-dlq",
        },
        "crm-delivery-dlq": { maxBatchSize: 10, maxBatchTimeout: 1 },
      },
    },
  });
}

async function api(stack: Stack, method: string, path: string, body?: unknown) {
  const response = await fetch(new URL(path, stack.base), {
    method,
    headers: { authorization: `Bearer ${stack.token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300)
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** Creates the campaign, executes it, waits for the run to complete; returns seconds from execute. */
async function runCampaign(stack: Stack, tag: string, expected: number, onTick?: () => void) {
  await api(stack, "PATCH", "/api/settings", {
    brand_name: "Bench Co",
    postal_address: "1 Bench St",
    default_sender_name: "Bench",
    default_sender_email: "bench@bench.example",
    website_url: "https://bench.example",
  });
  const campaign = (await api(stack, "POST", "/api/campaigns", {
    name: `Bench ${tag}`,
    objective: "awareness",
    channels: ["email"],
    prompt: "A benchmark of the delivery pipeline",
    segment_tree: { field: "tags", op: "contains", value: tag },
  })) as { id: string };
  await api(stack, "POST", `/api/campaigns/${campaign.id}/assets`, {});
  const started = performance.now();
  await api(stack, "POST", `/api/campaigns/${campaign.id}/execute`);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    onTick?.();
    const runs = (await api(stack, "GET", `/api/campaigns/${campaign.id}/runs`)) as {
      data: Array<{
        status: string;
        results: { email?: { recipients: number; sent: number; failed: number } };
      }>;
    };
    const run = runs.data[0];
    if (process.env.BENCH_LOG === "debug") {
      console.log(`[bench] ${((performance.now() - started) / 1000).toFixed(1)} s ${JSON.stringify(run)}`);
    }
    if (run?.status === "completed" || run?.status === "failed") {
      const seconds = (performance.now() - started) / 1000;
      const email = run.results.email ?? { recipients: 0, sent: 0, failed: 0 };
      if (email.sent !== expected) throw new Error(`expected ${expected} sent, got ${JSON.stringify(email)}`);
      return { seconds, email };
    }
  }
}

async function main() {
  const bench = await startBenchDatabase("campaign");
  const { configFor } = bench;
  const provider = await startFakeEmailProvider();
  const stacks: Stack[] = [];
  try {
    // ── Outbox pipeline ──────────────────────────────────────────────────────────────────────────
    const config = configFor("campaign");
    const db = await DbClient.open(config, { websocketImpl: nodeWebSocket });
    await applyMigrations(db, await readMigrations());
    console.log(`[bench] inserting ${RECIPIENTS.toLocaleString("en")} contacts…`);
    await seedContacts(db, RECIPIENTS, "bench");
    const outbox = await startWorker(config, { EMAIL_TRANSPORT: "outbox" });
    stacks.push(outbox);
    let peak = 0;
    const sample = () => {
      for (const pid of workerdPids()) peak = Math.max(peak, peakRssMb(pid));
    };
    console.log("[bench] executing the campaign through the queue (outbox transport)…");
    const pipeline = await runCampaign(outbox, "bench", RECIPIENTS, sample);
    sample();
    const pipelineRate = RECIPIENTS / pipeline.seconds;
    console.log(
      `[bench] pipeline: ${pipeline.seconds.toFixed(1)} s, ${Math.round(pipelineRate)} recipients/s, workerd peak RSS ${peak} MB`,
    );

    // ── Raw batched insert of the same delivery records ──────────────────────────────────────────
    const [ids] = await db.query<[RecordId[]]>("SELECT VALUE id FROM contact WHERE tags CONTAINS 'bench'");
    const campaign = new RecordId("campaign", "raw_bench");
    const run = new RecordId("campaign_run", "raw_bench");
    const rawStarted = performance.now();
    for (let start = 0; start < ids.length; start += 1_000) {
      const rows = ids.slice(start, start + 1_000).map((contact, i) => ({
        campaign,
        run,
        channel: "email",
        contact,
        email: `reader${start + i}@bench.example`,
        status: "queued",
      }));
      await db.query("INSERT IGNORE INTO delivery $rows RETURN NONE", { rows });
    }
    const rawSeconds = (performance.now() - rawStarted) / 1000;
    const rawRate = ids.length / rawSeconds;
    console.log(`[bench] raw batched insert: ${rawSeconds.toFixed(1)} s, ${Math.round(rawRate)} records/s`);
    await db.close();

    // ── Provider at 2 requests per second ────────────────────────────────────────────────────────
    const providerConfig = configFor("provider");
    const pdb = await DbClient.open(providerConfig, { websocketImpl: nodeWebSocket });
    await applyMigrations(pdb, await readMigrations());
    await seedContacts(pdb, PROVIDER_RECIPIENTS, "paced");
    await pdb.close();
    await fetch(`${provider.url}/__config`, {
      method: "POST",
      body: JSON.stringify({ perSecond: PROVIDER_RATE }),
    });
    const paced = await startWorker(providerConfig, {
      EMAIL_TRANSPORT: "resend",
      RESEND_API_KEY: FAKE_RESEND_KEY,
      EMAIL_API_BASE_URL: `${provider.url}/resend`,
      EMAIL_REQUESTS_PER_SECOND: String(PROVIDER_RATE),
    });
    stacks.push(paced);
    console.log(
      `[bench] ${PROVIDER_RECIPIENTS} recipients through the provider at ${PROVIDER_RATE} requests/s…`,
    );
    const providerRun = await runCampaign(paced, "paced", PROVIDER_RECIPIENTS);
    const sent = (await (await fetch(`${provider.url}/__sent`)).json()) as {
      requests: number;
      sent: unknown[];
    };
    const floor = Math.ceil(PROVIDER_RECIPIENTS / 100) / PROVIDER_RATE;

    const results = {
      recipients: RECIPIENTS,
      pipeline_seconds: Math.round(pipeline.seconds * 10) / 10,
      pipeline_recipients_per_second: Math.round(pipelineRate),
      workerd_peak_rss_mb: peak,
      raw_seconds: Math.round(rawSeconds * 10) / 10,
      raw_records_per_second: Math.round(rawRate),
      pipeline_over_raw: Math.round((pipelineRate / rawRate) * 100) / 100,
      provider: {
        recipients: PROVIDER_RECIPIENTS,
        requests: sent.requests,
        accepted: sent.sent.length,
        seconds: Math.round(providerRun.seconds * 10) / 10,
        floor_seconds: floor,
        over_floor: Math.round((providerRun.seconds / floor) * 100) / 100,
      },
    };
    console.log(`\n${JSON.stringify(results, null, 2)}`);
    console.log(
      `\npipeline / raw: ${results.pipeline_over_raw} (goal ≥ 0.5) ${results.pipeline_over_raw >= 0.5 ? "met" : "NOT met"}`,
    );
    console.log(
      `provider time / floor: ${results.provider.over_floor} (goal ≤ 1.15) ${results.provider.over_floor <= 1.15 ? "met" : "NOT met"}`,
    );
    if (process.env.BENCH_JSON)
      await writeFile(process.env.BENCH_JSON, `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    for (const stack of stacks) await stack.miniflare.dispose().catch(() => undefined);
    await provider.close();
    await bench.close();
  }
}

await main();
