/**
 * `npm run build:workers`: bundles the gateway Worker and every resource group as its own Worker with
 * `wrangler deploy --dry-run` (the exact bundle `wrangler deploy` would upload), and reports sizes.
 * Fails if any bundle does not build or exceeds the budget, so `npm test` catches both.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";

/** Workers allow 3 MiB compressed on the free plan; stay well inside it. */
const GZIP_BUDGET_KIB = 1024;

const WORKERS: Array<{ name: string; entry?: string }> = [
  { name: "gateway" },
  { name: "contacts", entry: "functions/contacts/index.ts" },
  { name: "companies", entry: "functions/companies/index.ts" },
  { name: "timeline", entry: "functions/timeline/index.ts" },
  { name: "auth", entry: "functions/auth/index.ts" },
  { name: "users", entry: "functions/users/index.ts" },
  { name: "api-keys", entry: "functions/api-keys/index.ts" },
  { name: "settings", entry: "functions/settings/index.ts" },
  { name: "segments", entry: "functions/segments/index.ts" },
  { name: "campaigns", entry: "functions/campaigns/index.ts" },
  { name: "outbox", entry: "functions/outbox/index.ts" },
  { name: "events", entry: "functions/events/index.ts" },
  { name: "tracking", entry: "functions/tracking/index.ts" },
  { name: "rsvp", entry: "functions/rsvp/index.ts" },
  { name: "landing-pages", entry: "functions/landing-pages/index.ts" },
  { name: "analytics", entry: "functions/analytics/index.ts" },
  { name: "landing", entry: "functions/landing/index.ts" },
  { name: "email-webhooks", entry: "functions/email-webhooks/index.ts" },
  { name: "webhooks", entry: "functions/webhooks/index.ts" },
];

interface BundleSize {
  worker: string;
  entry: string;
  totalKiB: number;
  gzipKiB: number;
}

const sizes: BundleSize[] = [];
let failed = false;
for (const worker of WORKERS) {
  const args = ["deploy", "--dry-run", "--outdir", `dist/${worker.name}`];
  if (worker.entry) args.push("--name", `edge-crm-${worker.name}`, worker.entry);
  const result = spawnSync("node_modules/.bin/wrangler", args, {
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
  const output = `${result.stdout}\n${result.stderr}`;
  const match = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
  if (result.status !== 0 || !match?.[1] || !match[2]) {
    console.error(`[build] ${worker.name}: wrangler deploy --dry-run failed\n${output}`);
    failed = true;
    continue;
  }
  const size = {
    worker: worker.name,
    entry: worker.entry ?? "functions/index.ts (wrangler.toml main)",
    totalKiB: Number(match[1]),
    gzipKiB: Number(match[2]),
  };
  if (size.gzipKiB > GZIP_BUDGET_KIB) {
    console.error(
      `[build] ${worker.name}: ${size.gzipKiB} KiB gzip is over the ${GZIP_BUDGET_KIB} KiB budget`,
    );
    failed = true;
  }
  sizes.push(size);
}

mkdirSync("dist", { recursive: true });
writeFileSync("dist/bundle-sizes.json", `${JSON.stringify(sizes, null, 2)}\n`);
console.log("worker      entry                                      upload KiB   gzip KiB");
for (const size of sizes) {
  console.log(
    `${size.worker.padEnd(11)} ${size.entry.padEnd(42)} ${size.totalKiB.toFixed(2).padStart(10)} ${size.gzipKiB.toFixed(2).padStart(10)}`,
  );
}
if (failed) process.exit(1);
