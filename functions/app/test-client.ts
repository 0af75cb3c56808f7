import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { applyMigrations, DbClient, type Migration } from "@crm/shared/db";
import type { ErrorEnvelope, FieldIssue } from "@crm/shared/errors";
import gateway from "../index.ts";
import { loadConfig, type RateLimiter, type WorkerBindings } from "./env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerBindings {
      /** The `.surql` migrations, read by vitest.config.ts so tests in workerd can migrate fresh databases. */
      TEST_MIGRATIONS: Migration[];
      /** The local server's HTTP base URL (its /stats shows which RPC methods the Worker used). */
      TEST_SURREAL_HTTP: string;
      /** Base URL of the fake OpenAI-compatible server (shared/testing/node/fake-openai.ts). */
      TEST_FAKE_OPENAI_URL: string;
      /** Base URL of the fake Resend/Postmark server (shared/testing/node/fake-email-provider.ts). */
      TEST_FAKE_EMAIL_URL: string;
      /** The fake Turnstile siteverify URL (shared/testing/node/fake-turnstile.ts). */
      TEST_FAKE_TURNSTILE_URL: string;
      CRM_SESSION_SECRET: string;
      CRM_TRACKING_SECRET: string;
      CRM_ADMIN_TOKEN: string;
      /** Small rate limits for the tests that exhaust a budget (vitest.config.ts). */
      TEST_SMALL_API_LIMITER: RateLimiter;
      TEST_SMALL_IP_LIMITER: RateLimiter;
    }
  }
}

/** An error response as the tests read it: the envelope, with the field issues a 422 carries. */
export type ErrorBody = { error: Omit<ErrorEnvelope["error"], "details"> & { details?: FieldIssue[] } };

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/**
 * A test's view of the gateway Worker: its fetch handler running in workerd, with its own fresh and
 * migrated database on the local SurrealDB server (reached over WebSocket, as in production).
 * Requests carry the admin token unless the test asks for another credential (`as`) or none.
 */
export async function freshApi(label: string, overrides: Partial<Cloudflare.Env> = {}) {
  const database = `${label}_${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const testEnv: Cloudflare.Env = { ...env, SURREAL_DB: database, ...overrides };
  // Tests of broken configuration get no database: the Worker must refuse before it needs one.
  const config = (() => {
    try {
      return loadConfig(testEnv);
    } catch {
      return undefined;
    }
  })();
  if (config && !overrides.SURREAL_URL) {
    const db = await DbClient.open(config.database);
    try {
      await applyMigrations(db, env.TEST_MIGRATIONS);
    } finally {
      await db.close();
    }
  }
  return client(testEnv, database, testEnv.CRM_ADMIN_TOKEN);
}

function client(testEnv: Cloudflare.Env, database: string, token: string | undefined) {
  async function call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const init: RequestInit = {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    };
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] ??= "application/json";
    }
    const ctx = createExecutionContext();
    const response = await gateway.fetch(new Request(`http://crm.test${path}`, init), testEnv, ctx);
    await waitOnExecutionContext(ctx);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (e.g. swagger HTML); keep the text
    }
    return {
      status: response.status,
      headers: response.headers,
      body: parsed as T,
      text,
    } satisfies ApiResponse<T>;
  }

  return {
    env: testEnv,
    database,
    token,
    call,
    get: <T = unknown>(path: string, headers?: Record<string, string>) =>
      call<T>("GET", path, undefined, headers),
    post: <T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>("POST", path, body, headers),
    patch: <T = unknown>(path: string, body?: unknown) => call<T>("PATCH", path, body),
    delete: <T = unknown>(path: string) => call<T>("DELETE", path),
    /** The same API and database, calling with another credential (or none). */
    as: (other: string | undefined) => client(testEnv, database, other),
  };
}

export type TestApi = Awaited<ReturnType<typeof freshApi>>;

/** Brand settings with a sender, for tests that send email (`PATCH /api/settings`). */
export const TEST_BRAND = {
  brand_name: "Northwind Labs",
  postal_address: "1 Market St, Springfield",
  default_sender_name: "Ada at Northwind",
  default_sender_email: "ada@northwind.example",
  website_url: "https://northwind.example",
};

/**
 * Runs `work` against the test's own database, for what no route may do: putting a record into a
 * state only the system reaches (a running campaign), to test what the API does then.
 */
export async function withDatabase<T>(api: TestApi, work: (db: DbClient) => Promise<T>): Promise<T> {
  const db = await DbClient.open(loadConfig(api.env).database);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** Sets a campaign's status directly (execution, a later issue, is what moves campaigns to running). */
export function setCampaignStatus(api: TestApi, id: string, status: string): Promise<unknown> {
  return withDatabase(api, (db) =>
    db.query("UPDATE type::record('campaign', $id) SET status = $status", { id, status }),
  );
}
