/**
 * Cloudflare Turnstile, checked on the server. The widget on a landing page only puts a token in the
 * form; the token means something once Cloudflare's siteverify endpoint has said so, and only once
 * (a token is single-use and valid for 300 s). Everything that is not a clear "yes" from siteverify is
 * a refusal: no token, an outage, a slow or unreadable answer. A form guarded by a check that lets
 * people through when the check is down is not guarded.
 *
 * Documented at https://developers.cloudflare.com/turnstile/get-started/server-side-validation/ and
 * https://developers.cloudflare.com/turnstile/troubleshooting/testing/ (the dummy keys).
 */

export const TURNSTILE_SITEVERIFY_URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

/**
 * Cloudflare's dummy keys, for development and tests. The dummy sitekeys make the widget hand the
 * browser `token`; the dummy secrets accept only that token (real tokens fail) and real secrets reject it.
 */
export const TURNSTILE_TEST_KEYS = {
  sitekeys: {
    /** Visible widget, always passes. */
    alwaysPasses: "1x00000000000000000000AA",
    /** Visible widget, always blocks. */
    alwaysBlocks: "2x00000000000000000000AB",
    /** Invisible widget, always passes. */
    alwaysPassesInvisible: "1x00000000000000000000BB",
    /** Invisible widget, always blocks. */
    alwaysBlocksInvisible: "2x00000000000000000000BB",
    /** Visible widget, forces an interactive challenge. */
    forcesInteractive: "3x00000000000000000000FF",
  },
  secrets: {
    /** Always passes validation. */
    alwaysPasses: "1x0000000000000000000000000000000AA",
    /** Always fails: `invalid-input-response`. */
    alwaysFails: "2x0000000000000000000000000000000AA",
    /** Always answers "token already spent": `timeout-or-duplicate`. */
    alreadySpent: "3x0000000000000000000000000000000AA",
  },
  /** What the dummy sitekeys put in the form's `cf-turnstile-response`. */
  token: "XXXX.DUMMY.TOKEN.XXXX",
} as const;

/** Cloudflare documents tokens of up to 2048 characters; anything longer cannot be one. */
const MAX_TOKEN_LENGTH = 2048;
const DEFAULT_TIMEOUT_MS = 5_000;

export interface TurnstileVerifyOptions {
  /** The widget's secret key. */
  secret: string;
  /** The token the widget put in the form (`cf-turnstile-response`). */
  token: string;
  /** The visitor's IP (`CF-Connecting-IP`), sent as `remoteip`. */
  remoteIp?: string;
  /** A UUID; the same key with the same token lets a failed call be retried without "already spent". */
  idempotencyKey?: string;
  /** Override for tests; default the real siteverify endpoint. */
  url?: string;
  fetch?: typeof fetch;
  /** Default 5000 ms: a form submission waits for this, so it is short. */
  timeoutMs?: number;
}

export interface TurnstileVerification {
  success: boolean;
  /** Cloudflare's `error-codes`; `internal-error` when siteverify could not be reached or understood. */
  errorCodes: string[];
  /** The hostname the challenge was served on, as siteverify reports it. */
  hostname: string | null;
}

const refused = (code: string): TurnstileVerification => ({
  success: false,
  errorCodes: [code],
  hostname: null,
});

/** Never throws: every failure is `success: false` with a reason. */
export async function verifyTurnstile(options: TurnstileVerifyOptions): Promise<TurnstileVerification> {
  // Checked here rather than left to Cloudflare: no request for an answer that can only be "no".
  // A missing secret is a misconfigured deploy, and it refuses everyone rather than letting everyone in.
  if (typeof options.secret !== "string" || options.secret === "") return refused("missing-input-secret");
  if (typeof options.token !== "string" || options.token === "") return refused("missing-input-response");
  if (options.token.length > MAX_TOKEN_LENGTH) return refused("invalid-input-response");

  try {
    // Form-encoded, as in Cloudflare's examples; URLSearchParams sets the content type itself.
    const body = new URLSearchParams({ secret: options.secret, response: options.token });
    if (options.remoteIp) body.set("remoteip", options.remoteIp);
    if (options.idempotencyKey) body.set("idempotency_key", options.idempotencyKey);
    const doFetch = options.fetch ?? fetch;
    // The timeout covers reading the body too: the signal aborts `text()` as well as the connection.
    const response = await doFetch(options.url ?? TURNSTILE_SITEVERIFY_URL, {
      method: "POST",
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    const answer = parseAnswer(await response.text());
    if (!answer) return refused("internal-error");
    const errorCodes = Array.isArray(answer["error-codes"])
      ? answer["error-codes"].filter((code): code is string => typeof code === "string")
      : [];
    const hostname = typeof answer.hostname === "string" && answer.hostname !== "" ? answer.hostname : null;
    // Only a 2xx answer whose `success` is the boolean true is a pass.
    if (response.ok && answer.success === true) return { success: true, errorCodes: [], hostname };
    // A refusal keeps Cloudflare's reasons (`bad-request` on a 400 is a bug on our side, not an outage);
    // one without any is treated as siteverify failing.
    if (response.ok && answer.success !== false) return refused("internal-error");
    return {
      success: false,
      errorCodes: errorCodes.length > 0 ? errorCodes : ["internal-error"],
      hostname,
    };
  } catch {
    // Network error, DNS, timeout (AbortSignal), or a fetch that threw: not a yes.
    return refused("internal-error");
  }
}

function parseAnswer(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
