import { describe, expect, it } from "vitest";
import { toBase64Url } from "../auth/encoding.ts";
import { TokenSigner } from "./tokens.ts";

const signer = new TokenSigner("a tracking secret that is long enough!!");

describe("tracking tokens", () => {
  it("round-trips each kind, and a token of one kind is not accepted as another", async () => {
    const click = await signer.sign({ kind: "click", delivery: "d1", url: "https://example.com/a?b=1" });
    const open = await signer.sign({ kind: "open", delivery: "d1" });
    const unsubscribe = await signer.sign({ kind: "unsubscribe", delivery: "d1" });
    expect(await signer.verify(click, "click")).toEqual({
      kind: "click",
      delivery: "d1",
      url: "https://example.com/a?b=1",
    });
    expect(await signer.verify(open, "open")).toEqual({ kind: "open", delivery: "d1" });
    expect(await signer.verify(unsubscribe, "unsubscribe")).toEqual({ kind: "unsubscribe", delivery: "d1" });
    expect(await signer.verify(open, "click")).toBeUndefined();
    expect(await signer.verify(click, "unsubscribe")).toBeUndefined();
    expect(click).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/); // safe in a URL path as it is
  });

  it("refuses forged, edited, truncated and foreign tokens", async () => {
    const click = await signer.sign({ kind: "click", delivery: "d1", url: "https://example.com/" });
    const [payload, signature] = click.split(".");
    const edited = toBase64Url(
      new TextEncoder().encode(JSON.stringify({ k: "c", d: "d1", u: "https://evil.example/" })),
    );
    const other = new TokenSigner("another secret, also long enough!!!!!");
    for (const bad of [
      `${edited}.${signature}`,
      `${payload}.${signature?.slice(0, -2)}`,
      `${payload}`,
      `${payload}.${signature}.x`,
      "",
      "..",
      "not base64!.also not",
      await other.sign({ kind: "click", delivery: "d1", url: "https://example.com/" }),
      "a".repeat(5000),
    ]) {
      expect(await signer.verify(bad, "click"), bad.slice(0, 40)).toBeUndefined();
    }
  });

  it("a click token never leads anywhere but http(s)", async () => {
    const js = await signer.sign({ kind: "click", delivery: "d1", url: "javascript:alert(1)" });
    expect(await signer.verify(js, "click")).toBeUndefined();
  });
});

describe("landing page tokens", () => {
  it("a form token names its page and when it was rendered; an opt-in token names its consent", async () => {
    const form = await signer.sign({ kind: "form", page: "p1", at: 1_800_000_000_000 });
    expect(await signer.verify(form, "form")).toEqual({ kind: "form", page: "p1", at: 1_800_000_000_000 });
    const optin = await signer.sign({ kind: "optin", consent: "c1" });
    expect(await signer.verify(optin, "optin")).toEqual({ kind: "optin", consent: "c1" });
    // Neither passes for the other, nor for a tracking link.
    expect(await signer.verify(form, "optin")).toBeUndefined();
    expect(await signer.verify(optin, "form")).toBeUndefined();
    expect(await signer.verify(form, "open")).toBeUndefined();
  });

  it("a form token without a numeric time is refused even when signed", async () => {
    const { fromBase64Url } = await import("../auth/encoding.ts");
    const form = await signer.sign({ kind: "form", page: "p1", at: Number.NaN });
    expect(await signer.verify(form, "form")).toBeUndefined();
    const [payload] = form.split(".");
    expect(JSON.parse(new TextDecoder().decode(fromBase64Url(payload ?? "")))).toMatchObject({
      k: "f",
      d: "p1",
    });
  });
});
