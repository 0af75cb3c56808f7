import { randomBytes } from "node:crypto";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { readMigrations } from "./shared/db/migrations-fs.ts";
import "./shared/testing/provided.ts";

const SURREAL_SETUP = "shared/testing/node/global-setup.ts";

/**
 * Three layers, three projects:
 * - unit: pure domain rules and schemas, in Node;
 * - db: the local SurrealDB server and the repositories, in Node, against a real server over WebSocket
 *   (plus `*.node.test.ts`: Worker code observed from a server of its own);
 * - api: the Worker in workerd (vitest-pool-workers), against the same kind of server over WebSocket.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "shared/{domain,schemas,errors}/**/*.test.ts",
            "shared/ai/**/*.test.ts",
            "shared/delivery/**/*.test.ts",
            "shared/db/local-server/cbor-frame.test.ts",
          ],
        },
      },
      {
        test: {
          name: "db",
          include: ["shared/db/**/*.test.ts", "functions/**/*.node.test.ts"],
          exclude: ["shared/db/local-server/cbor-frame.test.ts"],
          globalSetup: [SURREAL_SETUP],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        plugins: [
          cloudflareTest(async ({ inject }) => {
            const surreal = inject("surreal");
            return {
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  SURREAL_URL: surreal.url,
                  SURREAL_USER: surreal.username,
                  SURREAL_PASS: surreal.password,
                  SURREAL_DB: "api_default",
                  TEST_MIGRATIONS: await readMigrations(),
                  TEST_SURREAL_HTTP: surreal.httpUrl,
                  TEST_FAKE_OPENAI_URL: inject("fakeOpenAI"),
                  TEST_FAKE_EMAIL_URL: inject("fakeEmail"),
                  TEST_FAKE_TURNSTILE_URL: inject("fakeTurnstile"),
                  CRM_ENV: "development",
                  CRM_ALLOWED_ORIGINS: "http://localhost:5173,http://127.0.0.1:5173",
                  CRM_SESSION_SECRET: randomBytes(32).toString("hex"),
                  CRM_TRACKING_SECRET: randomBytes(32).toString("hex"),
                  PUBLIC_BASE_URL: "https://crm.test",
                  // Retries in tests wait a second, not half a minute.
                  DELIVERY_RETRY_BASE_SECONDS: "1",
                  CRM_ADMIN_TOKEN: randomBytes(32).toString("hex"),
                },
                // The real limits are in wrangler.toml; tests share one admin token across files, so its
                // API budget is raised here, and the rate-limit tests use the small TEST_* limiters.
                ratelimits: {
                  API_RATE_LIMITER: { simple: { limit: 1_000_000, period: 60 } },
                  LOGIN_IP_LIMITER: { simple: { limit: 1_000_000, period: 60 } },
                  LOGIN_ACCOUNT_LIMITER: { simple: { limit: 5, period: 60 } },
                  TEST_SMALL_API_LIMITER: { simple: { limit: 3, period: 60 } },
                  TEST_SMALL_IP_LIMITER: { simple: { limit: 4, period: 60 } },
                  LANDING_SUBMIT_LIMITER: { simple: { limit: 1_000_000, period: 60 } },
                },
              },
            };
          }),
        ],
        test: {
          name: "api",
          include: ["functions/**/*.test.ts"],
          exclude: ["functions/**/*.node.test.ts"],
          globalSetup: [SURREAL_SETUP],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
