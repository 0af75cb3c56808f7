import { describe, expect, it } from "vitest";
import { isNonPublicAddress, webhookTargetProblem } from "./webhooks.ts";

describe("webhook targets", () => {
  it.each([
    "https://hooks.example.com/crm",
    "https://hooks.example.com:8443/crm?x=1",
    "https://8.8.8.8/hook",
    "https://[2606:4700:4700::1111]/hook",
  ])("allows %s", (url) => {
    expect(webhookTargetProblem(url)).toBeUndefined();
  });

  it.each([
    ["http://hooks.example.com/", "https"],
    ["ftp://hooks.example.com/", "https"],
    ["https://localhost/", "fully qualified"],
    ["https://app.localhost/", "local"],
    ["https://printer.local/", "local"],
    ["https://svc.internal/", "local"],
    ["https://127.0.0.1/", "private"],
    ["https://127.1/", "private"],
    ["https://2130706433/", "private"],
    ["https://0x7f000001/", "private"],
    ["https://10.0.0.5/", "private"],
    ["https://172.16.0.1/", "private"],
    ["https://192.168.1.1/", "private"],
    ["https://169.254.169.254/latest/meta-data", "private"],
    ["https://100.64.0.1/", "private"],
    ["https://0.0.0.0/", "private"],
    ["https://[::1]/", "private"],
    ["https://[::ffff:127.0.0.1]/", "private"],
    ["https://[::ffff:7f00:1]/", "private"],
    ["https://[fd00::1]/", "private"],
    ["https://[fe80::1]/", "private"],
    ["https://user:pass@hooks.example.com/", "credentials"],
    ["not a url", "URL"],
  ])("refuses %s", (url, reason) => {
    expect(webhookTargetProblem(url)).toContain(reason);
  });

  it("development may target loopback over http, nothing else changes", () => {
    expect(webhookTargetProblem("http://127.0.0.1:9000/hook", { allowPrivate: true })).toBeUndefined();
    expect(webhookTargetProblem("file:///etc/passwd", { allowPrivate: true })).toBeDefined();
  });

  it("classifies resolved addresses", () => {
    expect(isNonPublicAddress("203.0.113.9")).toBe(false);
    expect(isNonPublicAddress("93.184.216.34")).toBe(false);
    expect(isNonPublicAddress("10.1.2.3")).toBe(true);
    expect(isNonPublicAddress("2606:4700::1111")).toBe(false);
    expect(isNonPublicAddress("fc00::1")).toBe(true);
  });
});
