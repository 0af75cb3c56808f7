import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { startLocalSurreal } from "../../db/local-server/server.ts";
import type { SurrealTestServer } from "../provided.ts";
import { startFakeEmailProvider } from "./fake-email-provider.ts";
import { startFakeOpenAI } from "./fake-openai.ts";
import { startFakeTurnstile } from "./fake-turnstile.ts";

/**
 * Starts one in-memory local SurrealDB server for a test project, with a root user so tests exercise
 * real sign-in and token reuse. Test files each create their own database on it.
 */
export default async function setup(project: TestProject) {
  const password = randomBytes(12).toString("hex");
  const server = await startLocalSurreal({ path: "mem://", port: 0, user: "root", pass: password });
  const provided: SurrealTestServer = {
    url: server.url,
    httpUrl: server.httpUrl,
    username: "root",
    password,
  };
  project.provide("surreal", provided);
  const openai = await startFakeOpenAI();
  project.provide("fakeOpenAI", openai.url);
  const email = await startFakeEmailProvider();
  project.provide("fakeEmail", email.url);
  const turnstile = await startFakeTurnstile();
  project.provide("fakeTurnstile", turnstile.url);
  return async () => {
    await turnstile.close();
    await email.close();
    await openai.close();
    await server.close();
  };
}
