import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeTurnstile, startFakeTurnstile } from "../testing/node/fake-turnstile.ts";
import { TURNSTILE_SITEVERIFY_URL, TURNSTILE_TEST_KEYS, verifyTurnstile } from "./turnstile.ts";

const { secrets, token: DUMMY } = TURNSTILE_TEST_KEYS;

let fake: FakeTurnstile;
beforeAll(async () => {
  fake = await startFakeTurnstile();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

/** The real fetch, counting its calls. */
function countingFetch() {
  const calls: unknown[] = [];
  const spy = (async (...args: Parameters<typeof fetch>) => {
    calls.push(args);
    return fetch(...args);
  }) as typeof fetch;
  return { calls, fetch: spy };
}

describe("verifyTurnstile against the local siteverify", () => {
  it("passes the dummy token with the always-pass secret, sending exactly the documented form", async () => {
    const idempotencyKey = crypto.randomUUID();
    const result = await verifyTurnstile({
      secret: secrets.alwaysPasses,
      token: DUMMY,
      remoteIp: "203.0.113.7",
      idempotencyKey,
      url: fake.url,
    });
    expect(result).toEqual({ success: true, errorCodes: [], hostname: "localhost" });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/turnstile/v0/siteverify");
    expect(request?.contentType?.split(";")[0]).toBe("application/x-www-form-urlencoded");
    expect(request?.fields).toEqual({
      secret: secrets.alwaysPasses,
      response: DUMMY,
      remoteip: "203.0.113.7",
      idempotency_key: idempotencyKey,
    });
    expect(request?.status).toBe(200);
  });

  it("sends no remoteip or idempotency_key when none is given", async () => {
    const result = await verifyTurnstile({ secret: secrets.alwaysPasses, token: DUMMY, url: fake.url });
    expect(result.success).toBe(true);
    expect(fake.requests.map((request) => request.fields)).toEqual([
      { secret: secrets.alwaysPasses, response: DUMMY },
    ]);
  });

  it("the always-fail secret refuses with invalid-input-response", async () => {
    const result = await verifyTurnstile({ secret: secrets.alwaysFails, token: DUMMY, url: fake.url });
    expect(result).toEqual({ success: false, errorCodes: ["invalid-input-response"], hostname: null });
    expect(fake.requests).toHaveLength(1);
  });

  it("the already-spent secret refuses with timeout-or-duplicate", async () => {
    const result = await verifyTurnstile({ secret: secrets.alreadySpent, token: DUMMY, url: fake.url });
    expect(result).toEqual({ success: false, errorCodes: ["timeout-or-duplicate"], hostname: null });
    expect(fake.requests).toHaveLength(1);
  });

  it("an unknown secret is invalid-input-secret; a real-looking token fails against a dummy secret", async () => {
    expect(await verifyTurnstile({ secret: "0x4AAAAAAA-not-ours", token: DUMMY, url: fake.url })).toEqual({
      success: false,
      errorCodes: ["invalid-input-secret"],
      hostname: null,
    });
    expect(
      await verifyTurnstile({ secret: secrets.alwaysPasses, token: "0.abc-real-token", url: fake.url }),
    ).toMatchObject({ success: false, errorCodes: ["invalid-input-response"] });
    expect(fake.requests).toHaveLength(2);
  });

  it("an empty token or secret is refused without a request", async () => {
    const spy = countingFetch();
    expect(
      await verifyTurnstile({ secret: secrets.alwaysPasses, token: "", url: fake.url, fetch: spy.fetch }),
    ).toEqual({ success: false, errorCodes: ["missing-input-response"], hostname: null });
    expect(await verifyTurnstile({ secret: "", token: DUMMY, url: fake.url, fetch: spy.fetch })).toEqual({
      success: false,
      errorCodes: ["missing-input-secret"],
      hostname: null,
    });
    expect(spy.calls).toHaveLength(0);
    expect(fake.requests).toHaveLength(0);
  });

  it("a token over 2048 characters is refused without a request; one of exactly 2048 is sent", async () => {
    const spy = countingFetch();
    const tooLong = await verifyTurnstile({
      secret: secrets.alwaysPasses,
      token: "x".repeat(2049),
      url: fake.url,
      fetch: spy.fetch,
    });
    expect(tooLong).toEqual({ success: false, errorCodes: ["invalid-input-response"], hostname: null });
    expect(spy.calls).toHaveLength(0);
    expect(fake.requests).toHaveLength(0);

    await verifyTurnstile({ secret: secrets.alwaysPasses, token: "x".repeat(2048), url: fake.url });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.fields?.response).toHaveLength(2048);
    expect(fake.requests[0]?.status).toBe(200); // within the documented limit: the fake took it
  });

  it("a server that is down is internal-error, not a throw", async () => {
    // A port that was just listened on and is closed now: the connection is refused.
    const gone = await startFakeTurnstile();
    await gone.close();
    const result = await verifyTurnstile({ secret: secrets.alwaysPasses, token: DUMMY, url: gone.url });
    expect(result).toEqual({ success: false, errorCodes: ["internal-error"], hostname: null });
  });

  it("a server that does not answer is internal-error once timeoutMs has passed", async () => {
    fake.failNext("hang");
    const started = Date.now();
    const result = await verifyTurnstile({
      secret: secrets.alwaysPasses,
      token: DUMMY,
      url: fake.url,
      timeoutMs: 300,
    });
    const elapsed = Date.now() - started;
    expect(result).toEqual({ success: false, errorCodes: ["internal-error"], hostname: null });
    expect(fake.requests).toHaveLength(1); // it reached the server, which left it hanging
    expect(fake.requests[0]?.status).toBeNull();
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("a 500 or a page that is not JSON is internal-error", async () => {
    fake.failNext("500", "html");
    const options = { secret: secrets.alwaysPasses, token: DUMMY, url: fake.url };
    expect(await verifyTurnstile(options)).toEqual({
      success: false,
      errorCodes: ["internal-error"],
      hostname: null,
    });
    expect(await verifyTurnstile(options)).toEqual({
      success: false,
      errorCodes: ["internal-error"],
      hostname: null,
    });
    expect(fake.requests.map((request) => request.status)).toEqual([500, 200]);
    // The script is used up: the same call now passes.
    expect((await verifyTurnstile(options)).success).toBe(true);
  });

  it("a 400 keeps Cloudflare's reason: a malformed idempotency key is bad-request", async () => {
    const result = await verifyTurnstile({
      secret: secrets.alwaysPasses,
      token: DUMMY,
      idempotencyKey: "not-a-uuid",
      url: fake.url,
    });
    expect(result).toEqual({ success: false, errorCodes: ["bad-request"], hostname: null });
    expect(fake.requests[0]?.status).toBe(400);
  });

  it("only a 2xx answer with success === true passes", async () => {
    const answering =
      (status: number, body: string): typeof fetch =>
      async () =>
        new Response(body, { status, headers: { "content-type": "application/json" } });
    const call = (fetcher: typeof fetch) =>
      verifyTurnstile({ secret: secrets.alwaysPasses, token: DUMMY, fetch: fetcher });
    expect(await call(answering(200, '{"success":true,"error-codes":[],"hostname":"a.example"}'))).toEqual({
      success: true,
      errorCodes: [],
      hostname: "a.example",
    });
    expect(await call(answering(200, '{"success":"true","error-codes":[]}'))).toEqual({
      success: false,
      errorCodes: ["internal-error"],
      hostname: null,
    });
    expect(await call(answering(200, '{"error-codes":[]}'))).toMatchObject({
      success: false,
      errorCodes: ["internal-error"],
    });
    expect(await call(answering(200, "[true]"))).toMatchObject({
      success: false,
      errorCodes: ["internal-error"],
    });
    expect(await call(answering(503, '{"success":true,"error-codes":[]}'))).toMatchObject({
      success: false,
      errorCodes: ["internal-error"],
    });
    expect(await call(answering(200, '{"success":false,"error-codes":[]}'))).toMatchObject({
      success: false,
      errorCodes: ["internal-error"],
    });
  });

  it("a fetch that throws is internal-error, and the default URL is Cloudflare's", async () => {
    const urls: string[] = [];
    const throwing = ((input: RequestInfo | URL) => {
      urls.push(String(input));
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    expect(await verifyTurnstile({ secret: secrets.alwaysPasses, token: DUMMY, fetch: throwing })).toEqual({
      success: false,
      errorCodes: ["internal-error"],
      hostname: null,
    });
    expect(urls).toEqual([TURNSTILE_SITEVERIFY_URL]);
    expect(TURNSTILE_SITEVERIFY_URL).toBe("https://challenges.cloudflare.com/turnstile/v0/siteverify");
  });
});

describe("the local siteverify checks the request shape", () => {
  const post = (body: string, contentType: string, path = "/turnstile/v0/siteverify") =>
    fetch(new URL(path, fake.url), { method: "POST", body, headers: { "content-type": contentType } });

  it("accepts JSON as well as a form", async () => {
    const response = await post(
      JSON.stringify({ secret: secrets.alwaysPasses, response: DUMMY, remoteip: "::1" }),
      "application/json",
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ success: true, hostname: "localhost" });
    expect(fake.requests[0]?.contentType).toBe("application/json");
    expect(fake.requests[0]?.fields).toEqual({
      secret: secrets.alwaysPasses,
      response: DUMMY,
      remoteip: "::1",
    });
  });

  it("refuses what Cloudflare's documentation does not describe", async () => {
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const formType = "application/x-www-form-urlencoded";
    const cases: Array<[string, Response, number, string]> = [
      ["no secret", await post(form({ response: DUMMY }), formType), 400, "missing-input-secret"],
      [
        "empty response",
        await post(form({ secret: secrets.alwaysPasses, response: "" }), formType),
        400,
        "missing-input-response",
      ],
      [
        "remoteip not an IP",
        await post(form({ secret: secrets.alwaysPasses, response: DUMMY, remoteip: "localhost" }), formType),
        400,
        "bad-request",
      ],
      [
        "unknown field",
        await post(form({ secret: secrets.alwaysPasses, response: DUMMY, remoteIp: "::1" }), formType),
        400,
        "bad-request",
      ],
      [
        "repeated field",
        await post(`secret=${secrets.alwaysPasses}&response=${DUMMY}&response=${DUMMY}`, formType),
        400,
        "bad-request",
      ],
      [
        "text/plain",
        await post(form({ secret: secrets.alwaysPasses, response: DUMMY }), "text/plain"),
        400,
        "bad-request",
      ],
      [
        "JSON number",
        await post(JSON.stringify({ secret: secrets.alwaysPasses, response: 42 }), "application/json"),
        400,
        "bad-request",
      ],
      [
        "token over 2048",
        await post(form({ secret: secrets.alwaysPasses, response: "x".repeat(2049) }), formType),
        400,
        "bad-request",
      ],
    ];
    for (const [name, response, status, code] of cases) {
      expect({ name, status: response.status, body: await response.json() }).toEqual({
        name,
        status,
        body: { success: false, "error-codes": [code] },
      });
    }
    const get = await fetch(fake.url);
    expect(get.status).toBe(400);
    const elsewhere = await post(
      form({ secret: secrets.alwaysPasses, response: DUMMY }),
      formType,
      "/siteverify",
    );
    expect(elsewhere.status).toBe(404);
    expect(fake.requests.map((request) => request.status)).toEqual([
      400, 400, 400, 400, 400, 400, 400, 400, 400, 404,
    ]);
  });

  it("shares its record and script over HTTP for tests in another process", async () => {
    await fetch(new URL("/__script", fake.url), { method: "POST", body: JSON.stringify({ modes: ["500"] }) });
    const result = await verifyTurnstile({ secret: secrets.alwaysPasses, token: DUMMY, url: fake.url });
    expect(result.errorCodes).toEqual(["internal-error"]);
    const recorded = (await (await fetch(new URL("/__requests", fake.url))).json()) as Array<{
      status: number;
    }>;
    expect(recorded.map((request) => request.status)).toEqual([500]);
    await fetch(new URL("/__reset", fake.url), { method: "POST" });
    expect(fake.requests).toHaveLength(0);
  });
});
