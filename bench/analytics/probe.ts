import WebSocket from "ws";
import { DbClient } from "../../shared/db/client.ts";
import { applyMigrations } from "../../shared/db/migrations.ts";
import { readMigrations } from "../../shared/db/migrations-fs.ts";
import { startBenchDatabase } from "../harness.ts";
import { seed } from "../segments/seed.ts";

const bench = await startBenchDatabase("probe");
const config = { ...bench.configFor("probe"), queryTimeoutMs: 600_000 };
const db = await DbClient.open(config, {
  websocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
});
await applyMigrations(db, await readMigrations());
const now = new Date();
const s = await seed(db, {
  contacts: Number(process.env.N ?? 100000),
  companies: 4000,
  entriesPerContact: Number(process.env.E ?? 10),
  campaigns: ["spring_launch", "webinar_invite", "newsletter_42"],
  events: ["a", "b"],
  now,
});
console.log(s);
const since = new Date(now.getTime() - 30 * 86400000);
const Q: [string, string][] = [
  ["count all", "SELECT count() FROM contact GROUP ALL"],
  ["by status", "SELECT status, count() AS n FROM contact GROUP BY status"],
  ["count status lead", "SELECT count() FROM contact WHERE status = 'lead' GROUP ALL"],
  ["count lead idx", "SELECT count() FROM contact WITH INDEX contact_status WHERE status = 'lead' GROUP ALL"],
  ["new 30d", "SELECT count() FROM contact WHERE created_at >= $since GROUP ALL"],
  [
    "new 30d by day",
    "SELECT time::floor(created_at, 1d) AS day, count() AS n FROM contact WHERE created_at >= $since GROUP BY day",
  ],
  ["mean score", "SELECT math::mean(engagement_score) AS m FROM contact GROUP ALL"],
  ["score>0 count", "SELECT count() FROM contact WHERE engagement_score > 0 GROUP ALL"],
  ["tags split", "SELECT tags, count() AS n FROM contact SPLIT tags GROUP BY tags"],
  ["top engaged", "SELECT id, engagement_score FROM contact ORDER BY engagement_score DESC LIMIT 10"],
  ["tl count", "SELECT count() FROM timeline_entry GROUP ALL"],
  [
    "tl campaign scan",
    "SELECT type, count() AS n FROM timeline_entry WHERE metadata.campaign = 'spring_launch' GROUP BY type",
  ],
  [
    "tl opens 30d idx",
    "SELECT count() FROM timeline_entry WHERE type = 'email_open' AND timestamp >= $since GROUP ALL",
  ],
];
for (const [name, sql] of Q) {
  const t = performance.now();
  const r = await db.query(sql, { since });
  const ms = performance.now() - t;
  console.log(name.padEnd(20), ms.toFixed(0).padStart(7), "ms", JSON.stringify(r).slice(0, 160));
}
await db.close();
await bench.close();
