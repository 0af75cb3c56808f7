import { writeFile } from "node:fs/promises";
import type { Miniflare } from "miniflare";
import { Surreal } from "surrealdb";
import WebSocket from "ws";
import { DbClient } from "../../shared/db/client.ts";
import { applyMigrations } from "../../shared/db/migrations.ts";
import { readMigrations } from "../../shared/db/migrations-fs.ts";
import { segmentQuery } from "../../shared/db/segment-compiler.ts";
import { SEGMENT_SAMPLE_SIZE } from "../../shared/schemas/segment.ts";
import type { SegmentTree } from "../../shared/schemas/segment-tree.ts";
import { startBenchDatabase, startGateway } from "../harness.ts";
import { seed } from "./seed.ts";

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const WARMUP = 3;
const CAMPAIGNS = ["spring_launch", "webinar_invite", "newsletter_42"];
const EVENTS = ["launch_webinar", "berlin_meetup"];

/** The trees benchmarked: one an index narrows down, one that touches most of the table and the timeline. */
const TREES: Array<{ name: string; tree: SegmentTree }> = [
  {
    name: "selective, indexed: investors scoring 50+",
    tree: {
      and: [
        { field: "status", op: "eq", value: "investor" },
        { field: "engagement_score", op: "gte", value: 50 },
      ],
    },
  },
  {
    name: "broad, multi-clause: leads/customers of the last year, not churn-risk, engaged or opened in 90 days",
    tree: {
      and: [
        { field: "status", op: "in", value: ["lead", "customer"] },
        { not: { field: "tags", op: "contains", value: "churn-risk" } },
        { field: "created_at", op: "within_last", value: 365 },
        {
          or: [
            { field: "engagement_score", op: "gte", value: 20 },
            { field: "activity.email_open", op: "within_last", value: 90 },
          ],
        },
      ],
    },
  },
  {
    name: "behaviour: clicked spring_launch, at a 51-200 company",
    tree: {
      and: [
        { field: "campaign.clicked", op: "eq", value: "spring_launch" },
        { field: "company.size", op: "eq", value: "51-200" },
      ],
    },
  },
];

interface Timing {
  median: number;
  p95: number;
  min: number;
}

function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { median: at(0.5), p95: at(0.95), min: sorted[0] as number };
}

async function time(runs: number, once: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await once();
    samples.push(performance.now() - started);
  }
  return samples;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

async function main() {
  const bench = await startBenchDatabase("segments");
  const { server, password } = bench;
  const config = { ...bench.configFor("segments"), queryTimeoutMs: 300_000 };
  let miniflare: Miniflare | undefined;
  const raw = new Surreal({ websocketImpl: WebSocket as unknown as typeof globalThis.WebSocket });
  try {
    const db = await DbClient.open(config, {
      websocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    await applyMigrations(db, await readMigrations());
    const now = new Date();
    console.log(`[bench] seeding ${CONTACTS.toLocaleString("en")} contacts…`);
    const seeded = await seed(db, {
      contacts: CONTACTS,
      companies: Math.max(10, Math.round(CONTACTS / 25)),
      entriesPerContact: 3,
      campaigns: CAMPAIGNS,
      events: EVENTS,
      now,
    });
    await db.close();
    console.log(
      `[bench] seeded ${seeded.contacts} contacts, ${seeded.companies} companies, ${seeded.entries} timeline entries, ${seeded.rsvps} RSVPs in ${(seeded.ms / 1000).toFixed(1)} s`,
    );

    const gateway = await startGateway({
      ...config,
      credentials: { username: "root", password, level: "root" },
    });
    miniflare = gateway.miniflare;
    const adminToken = gateway.token;

    await raw.connect(server.url, {
      namespace: config.namespace,
      database: config.database,
      authentication: { username: "root", password },
      versionCheck: false,
      reconnect: false,
    });

    const results = [];
    for (const { name, tree } of TREES) {
      let appCount = -1;
      const app = await time(RUNS, async () => {
        const response = await fetch(new URL("/api/segments/preview", gateway.base), {
          method: "POST",
          headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
          body: JSON.stringify({ tree }),
        });
        const body = (await response.json()) as { count: number; sample: unknown[] };
        if (response.status !== 200) throw new Error(`${name}: ${response.status} ${JSON.stringify(body)}`);
        appCount = body.count;
      });
      // The same statements the repository sends, compiled once, straight through the SDK.
      const query = segmentQuery(tree, new Date(), { limit: SEGMENT_SAMPLE_SIZE });
      let rawCount = -1;
      const direct = await time(RUNS, async () => {
        const answer = await raw.query(query.sql, query.vars).collect();
        rawCount = Number(answer[query.countIndex]);
      });
      if (appCount !== rawCount) throw new Error(`${name}: app counted ${appCount}, raw ${rawCount}`);
      const appTiming = summarise(app);
      const rawTiming = summarise(direct);
      results.push({
        name,
        count: appCount,
        app_ms: { median: round(appTiming.median), p95: round(appTiming.p95) },
        raw_ms: { median: round(rawTiming.median), p95: round(rawTiming.p95) },
        ratio: Math.round((appTiming.median / rawTiming.median) * 100) / 100,
      });
      const last = results.at(-1);
      console.log(`[bench] ${name}: ${JSON.stringify(last)}`);
    }

    console.log(
      `\n${CONTACTS.toLocaleString("en")} contacts, ${seeded.entries.toLocaleString("en")} timeline entries, ${RUNS} runs after ${WARMUP} warm-up\n`,
    );
    console.log("| tree | matches | app median (p95) ms | raw SDK median (p95) ms | app / raw |");
    console.log("| --- | --- | --- | --- | --- |");
    for (const r of results) {
      console.log(
        `| ${r.name} | ${r.count.toLocaleString("en")} | ${r.app_ms.median} (${r.app_ms.p95}) | ${r.raw_ms.median} (${r.raw_ms.p95}) | ${r.ratio} |`,
      );
    }
    if (process.env.BENCH_JSON) {
      await writeFile(
        process.env.BENCH_JSON,
        `${JSON.stringify({ contacts: CONTACTS, seeded, runs: RUNS, results }, null, 2)}\n`,
      );
    }
    const worst = Math.max(...results.map((r) => r.ratio));
    console.log(`\nworst app/raw: ${worst} (goal ≤ 1.5) ${worst <= 1.5 ? "met" : "NOT met"}`);
  } finally {
    await raw.close().catch(() => undefined);
    await miniflare?.dispose();
    await bench.close();
  }
}

await main();
