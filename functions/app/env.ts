import { type AiConfig, aiConfigFromEnv } from "@crm/shared/ai";
import type { DatabaseConfig } from "@crm/shared/db";
import { AppError } from "@crm/shared/errors";
import type { QueueMessage } from "@crm/shared/schemas";
import { z } from "zod";

/**
 * The Worker's configuration: `[vars]` in wrangler.toml plus secrets. Validated once per env object
 * at the entry; nothing else reads the environment.
 */
export const EnvSchema = z.object({
  SURREAL_URL: z
    .string()
    .url()
    .refine(
      (url) => /^wss?:\/\//.test(url),
      "must be a ws:// or wss:// URL (SurrealDB's RPC endpoint, ending in /rpc)",
    ),
  SURREAL_NS: z.string().min(1).default("crm"),
  SURREAL_DB: z.string().min(1).default("crm"),
  SURREAL_USER: z.string().min(1).optional(),
  SURREAL_PASS: z.string().min(1).optional(),
  SURREAL_AUTH_LEVEL: z.enum(["root", "namespace", "database"]).default("root"),
  SURREAL_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  SURREAL_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /**
   * `production` (the default: a deployed Worker is checked unless told otherwise) requires database
   * credentials over TLS, a way in for the first admin, and https-only CORS origins. `npm start`
   * writes `development` into `.dev.vars`.
   */
  CRM_ENV: z.enum(["development", "production"]).default("production"),
  /** Signs session tokens (HS256). Required: there is no default, ever. */
  CRM_SESSION_SECRET: z.string().min(32, "must be at least 32 characters"),
  CRM_SESSION_TTL_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
  /** A bearer token with full admin rights, for bootstrap and operations. */
  CRM_ADMIN_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  /** The first admin user, created on their first sign-in with this password. */
  CRM_ADMIN_EMAIL: z.string().email().optional(),
  CRM_ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
  /** Content generation: `template` (offline, the default without a key) or `openai` (any compatible server). */
  AI_PROVIDER: z.enum(["openai", "template"]).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_MODEL: z.string().min(1).max(100).optional(),
  OPENAI_BASE_URL: z
    .string()
    .url()
    .refine((url) => /^https?:\/\//.test(url), "must be an http(s) URL")
    .optional(),
  AI_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).optional(),
  AI_MAX_RETRIES: z.coerce.number().int().min(0).max(5).optional(),
  /** The Worker's public origin: links in sent emails (tracking, unsubscribe) point here. */
  PUBLIC_BASE_URL: z
    .string()
    .url()
    .refine((url) => /^https?:\/\/[^/]+\/?$/.test(url), "must be an origin like https://crm.example.com")
    .default("http://127.0.0.1:8787"),
  /** Signs tracking and unsubscribe links. Rotating it breaks the links in emails already sent. */
  CRM_TRACKING_SECRET: z.string().min(32, "must be at least 32 characters"),
  /**
   * How emails leave: `outbox` stores each full message in the database (listed at /api/outbox);
   * `resend` and `postmark` send through those providers' batch APIs.
   */
  EMAIL_TRANSPORT: z.enum(["outbox", "resend", "postmark"]).default("outbox"),
  RESEND_API_KEY: z.string().min(1).optional(),
  POSTMARK_SERVER_TOKEN: z.string().min(1).optional(),
  /** Postmark's message stream for campaigns (a Broadcast stream). */
  POSTMARK_MESSAGE_STREAM: z.string().min(1).max(100).default("broadcast"),
  /** The provider account's request rate; sends are spaced to stay under it (Resend's default: 2/s). */
  EMAIL_REQUESTS_PER_SECOND: z.coerce.number().min(0).max(1000).default(2),
  /** The provider API's base URL, for a proxy or a local test server; default the provider's own. */
  EMAIL_API_BASE_URL: z
    .string()
    .url()
    .refine((url) => /^https?:\/\//.test(url), "must be an http(s) URL")
    .optional(),
  /** Verifies Resend's bounce/complaint webhooks (the `whsec_…` signing secret). */
  RESEND_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** The Basic credentials you put in Postmark's webhook URL (https://user:password@…/webhooks/email/postmark). */
  POSTMARK_WEBHOOK_USER: z.string().min(1).optional(),
  POSTMARK_WEBHOOK_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
  /**
   * Development and tests only (refused in production): let webhook subscriptions target http and
   * loopback/private addresses, such as a receiver on this machine.
   */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true"),
  /** DNS-over-HTTPS (JSON) endpoint used to check, before each send, that a webhook host resolves publicly. */
  WEBHOOK_DOH_URL: z.string().url().default("https://cloudflare-dns.com/dns-query"),
  /** Takes `mailto:` unsubscribes (List-Unsubscribe); default unsubscribe@ the sender's domain. */
  UNSUBSCRIBE_MAILBOX: z.string().email().optional(),
  /** First retry delay; each further one doubles (capped at 15 minutes). */
  DELIVERY_RETRY_BASE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /**
   * Cloudflare Turnstile on landing page forms: both keys on, or neither (no challenge). The widget
   * needs JavaScript, so with Turnstile on, a form cannot be sent from a browser without it.
   */
  TURNSTILE_SITE_KEY: z.string().min(1).max(100).optional(),
  TURNSTILE_SECRET_KEY: z.string().min(1).max(200).optional(),
  /** Turnstile's siteverify endpoint; only tests point it elsewhere (a local server). */
  TURNSTILE_VERIFY_URL: z
    .string()
    .url()
    .refine((url) => /^https?:\/\//.test(url), "must be an http(s) URL")
    .default("https://challenges.cloudflare.com/turnstile/v0/siteverify"),
  /** How long an edge location keeps a rendered landing page (edits purge it at once where they run). */
  LANDING_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  /** Comma-separated origins allowed to call the API from a browser (the dashboard's). */
  CRM_ALLOWED_ORIGINS: z.string().default(""),
});

/**
 * Workers Rate Limiting bindings (`[[ratelimits]]` in wrangler.toml). Structural, so this code also
 * type-checks outside the Workers types. Each is optional: without it, that limit is not enforced.
 */
export interface RateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/** A Cloudflare Queue producer binding (structural, like RateLimiter). */
export interface QueueProducer<T> {
  send(body: T, options?: { delaySeconds?: number }): Promise<void>;
  sendBatch(messages: Iterable<{ body: T; delaySeconds?: number }>): Promise<void>;
}

/** What the Worker receives from the platform: plain variables and secrets, plus bindings. */
export type WorkerBindings = z.input<typeof EnvSchema> & {
  /** Campaign runs and sends (`[[queues.producers]]` in wrangler.toml). */
  DELIVERY_QUEUE?: QueueProducer<QueueMessage>;
  LOGIN_IP_LIMITER?: RateLimiter;
  LOGIN_ACCOUNT_LIMITER?: RateLimiter;
  API_RATE_LIMITER?: RateLimiter;
  /** Landing page form submissions per visitor IP. */
  LANDING_SUBMIT_LIMITER?: RateLimiter;
};

export interface AuthConfig {
  sessionSecret: string;
  sessionTtlMinutes: number;
  adminToken: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
}

export type TransportConfig =
  | { kind: "outbox" }
  | { kind: "resend"; apiKey: string; baseUrl: string | undefined; requestsPerSecond: number }
  | {
      kind: "postmark";
      apiKey: string;
      baseUrl: string | undefined;
      requestsPerSecond: number;
      messageStream: string;
    };

export interface DeliveryConfig {
  publicBaseUrl: string;
  trackingSecret: string;
  transport: TransportConfig;
  unsubscribeMailbox: string | undefined;
  retryBaseSeconds: number;
  /** Outgoing webhooks: may they reach private targets (development), and how hosts are resolved. */
  outgoingWebhooks: { allowPrivateTargets: boolean; dohUrl: string };
  /** Inbound provider webhooks: how each is verified (absent: that provider's webhook is refused). */
  webhooks: {
    resendSecret: string | undefined;
    postmark: { user: string; password: string } | undefined;
  };
}

export interface LandingConfig {
  turnstile: { siteKey: string; secretKey: string; verifyUrl: string } | undefined;
  cacheTtlSeconds: number;
}

export interface AppConfig {
  environment: "development" | "production";
  landing: LandingConfig;
  delivery: DeliveryConfig;
  ai: AiConfig;
  database: DatabaseConfig;
  auth: AuthConfig;
  allowedOrigins: string[];
}

const cache = new WeakMap<object, AppConfig>();

export function loadConfig(env: unknown): AppConfig {
  const key = typeof env === "object" && env !== null ? env : {};
  const cached = cache.get(key);
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(pickKnown(key));
  if (!parsed.success) {
    const variables = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw new AppError("configuration_error", `the Worker is misconfigured: check ${variables.join(", ")}`, {
      variables,
    });
  }
  const env_ = parsed.data;
  const pairs: Array<[string, string, unknown, unknown]> = [
    ["SURREAL_USER", "SURREAL_PASS", env_.SURREAL_USER, env_.SURREAL_PASS],
    ["CRM_ADMIN_EMAIL", "CRM_ADMIN_PASSWORD", env_.CRM_ADMIN_EMAIL, env_.CRM_ADMIN_PASSWORD],
    ["TURNSTILE_SITE_KEY", "TURNSTILE_SECRET_KEY", env_.TURNSTILE_SITE_KEY, env_.TURNSTILE_SECRET_KEY],
    [
      "POSTMARK_WEBHOOK_USER",
      "POSTMARK_WEBHOOK_PASSWORD",
      env_.POSTMARK_WEBHOOK_USER,
      env_.POSTMARK_WEBHOOK_PASSWORD,
    ],
  ];
  for (const [a, b, va, vb] of pairs) {
    if (Boolean(va) !== Boolean(vb)) {
      throw new AppError("configuration_error", `set both ${a} and ${b}, or neither`, { variables: [a, b] });
    }
  }
  const origins = env_.CRM_ALLOWED_ORIGINS.split(",")
    .map((origin) => origin.trim().replace(/\/+$/, ""))
    .filter(Boolean);
  if (env_.AI_PROVIDER === "openai" && !env_.OPENAI_API_KEY && !env_.OPENAI_BASE_URL) {
    throw new AppError(
      "configuration_error",
      "AI_PROVIDER=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL)",
      {
        variables: ["OPENAI_API_KEY"],
      },
    );
  }
  if (env_.CRM_ENV === "production") {
    const missing = [
      ...(!env_.SURREAL_USER ? ["SURREAL_USER", "SURREAL_PASS"] : []),
      ...(!/^wss:\/\//.test(env_.SURREAL_URL) && !isLoopback(env_.SURREAL_URL)
        ? ["SURREAL_URL (must be wss://)"]
        : []),
      ...(!env_.CRM_ADMIN_TOKEN && !env_.CRM_ADMIN_EMAIL
        ? ["CRM_ADMIN_TOKEN (or CRM_ADMIN_EMAIL and CRM_ADMIN_PASSWORD)"]
        : []),
      ...(origins.some((origin) => !origin.startsWith("https://"))
        ? ["CRM_ALLOWED_ORIGINS (https origins only)"]
        : []),
      ...(!env_.PUBLIC_BASE_URL.startsWith("https://") ? ["PUBLIC_BASE_URL (must be https://)"] : []),
      ...(env_.WEBHOOK_ALLOW_PRIVATE_TARGETS ? ["WEBHOOK_ALLOW_PRIVATE_TARGETS (development only)"] : []),
      // Turnstile's documented test secrets (1x…, 2x…, 3x…) would decide every visitor the same way.
      ...(env_.TURNSTILE_SECRET_KEY && /^[123]x0{20,}/.test(env_.TURNSTILE_SECRET_KEY)
        ? ["TURNSTILE_SECRET_KEY (a test key)"]
        : []),
      ...(!env_.TURNSTILE_VERIFY_URL.startsWith("https://")
        ? ["TURNSTILE_VERIFY_URL (must be https://)"]
        : []),
    ];
    if (missing.length > 0) {
      throw new AppError(
        "configuration_error",
        `the Worker is misconfigured for production: check ${missing.join(", ")}`,
        {
          variables: missing,
        },
      );
    }
  }
  const config: AppConfig = {
    environment: env_.CRM_ENV,
    landing: {
      turnstile:
        env_.TURNSTILE_SITE_KEY && env_.TURNSTILE_SECRET_KEY
          ? {
              siteKey: env_.TURNSTILE_SITE_KEY,
              secretKey: env_.TURNSTILE_SECRET_KEY,
              verifyUrl: env_.TURNSTILE_VERIFY_URL,
            }
          : undefined,
      cacheTtlSeconds: env_.LANDING_CACHE_TTL_SECONDS,
    },
    delivery: {
      publicBaseUrl: env_.PUBLIC_BASE_URL.replace(/\/+$/, ""),
      trackingSecret: env_.CRM_TRACKING_SECRET,
      transport: transportConfig(env_),
      unsubscribeMailbox: env_.UNSUBSCRIBE_MAILBOX,
      retryBaseSeconds: env_.DELIVERY_RETRY_BASE_SECONDS,
      outgoingWebhooks: {
        allowPrivateTargets: env_.WEBHOOK_ALLOW_PRIVATE_TARGETS,
        dohUrl: env_.WEBHOOK_DOH_URL,
      },
      webhooks: {
        resendSecret: env_.RESEND_WEBHOOK_SECRET,
        postmark:
          env_.POSTMARK_WEBHOOK_USER && env_.POSTMARK_WEBHOOK_PASSWORD
            ? { user: env_.POSTMARK_WEBHOOK_USER, password: env_.POSTMARK_WEBHOOK_PASSWORD }
            : undefined,
      },
    },
    ai: aiConfigFromEnv({
      AI_PROVIDER: env_.AI_PROVIDER,
      OPENAI_API_KEY: env_.OPENAI_API_KEY,
      OPENAI_MODEL: env_.OPENAI_MODEL,
      OPENAI_BASE_URL: env_.OPENAI_BASE_URL,
      AI_TIMEOUT_MS: env_.AI_TIMEOUT_MS?.toString(),
      AI_MAX_RETRIES: env_.AI_MAX_RETRIES?.toString(),
    }),
    auth: {
      sessionSecret: env_.CRM_SESSION_SECRET,
      sessionTtlMinutes: env_.CRM_SESSION_TTL_MINUTES,
      adminToken: env_.CRM_ADMIN_TOKEN,
      adminEmail: env_.CRM_ADMIN_EMAIL?.trim().toLowerCase(),
      adminPassword: env_.CRM_ADMIN_PASSWORD,
    },
    allowedOrigins: origins,
    database: {
      url: env_.SURREAL_URL,
      namespace: env_.SURREAL_NS,
      database: env_.SURREAL_DB,
      ...(env_.SURREAL_USER && env_.SURREAL_PASS
        ? {
            credentials: {
              username: env_.SURREAL_USER,
              password: env_.SURREAL_PASS,
              level: env_.SURREAL_AUTH_LEVEL,
            },
          }
        : {}),
      connectTimeoutMs: env_.SURREAL_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: env_.SURREAL_QUERY_TIMEOUT_MS,
    },
  };
  cache.set(key, config);
  return config;
}

function transportConfig(env: z.infer<typeof EnvSchema>): TransportConfig {
  const baseUrl = env.EMAIL_API_BASE_URL;
  if (env.EMAIL_TRANSPORT === "resend") {
    if (!env.RESEND_API_KEY) throw missing("EMAIL_TRANSPORT=resend needs RESEND_API_KEY", "RESEND_API_KEY");
    return {
      kind: "resend",
      apiKey: env.RESEND_API_KEY,
      baseUrl,
      requestsPerSecond: env.EMAIL_REQUESTS_PER_SECOND,
    };
  }
  if (env.EMAIL_TRANSPORT === "postmark") {
    if (!env.POSTMARK_SERVER_TOKEN) {
      throw missing("EMAIL_TRANSPORT=postmark needs POSTMARK_SERVER_TOKEN", "POSTMARK_SERVER_TOKEN");
    }
    return {
      kind: "postmark",
      apiKey: env.POSTMARK_SERVER_TOKEN,
      baseUrl,
      requestsPerSecond: env.EMAIL_REQUESTS_PER_SECOND,
      messageStream: env.POSTMARK_MESSAGE_STREAM,
    };
  }
  return { kind: "outbox" };
}

function missing(message: string, variable: string): AppError {
  return new AppError("configuration_error", message, { variables: [variable] });
}

function isLoopback(url: string): boolean {
  try {
    return ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Only the variables we know; other bindings (queues, rate limiters) are not plain values. */
function pickKnown(env: object): Record<string, unknown> {
  const source = env as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(EnvSchema.shape)) {
    if (source[name] !== undefined && source[name] !== "") out[name] = source[name];
  }
  return out;
}
