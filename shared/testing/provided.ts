import type {} from "vitest";

/** What the test global setup hands to test files (through vitest's provide/inject). */
export interface SurrealTestServer {
  url: string;
  httpUrl: string;
  username: string;
  password: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    surreal: SurrealTestServer;
    /** Base URL (…/v1) of the fake OpenAI-compatible server (shared/testing/node/fake-openai.ts). */
    fakeOpenAI: string;
    /** Base URL of the fake email provider (shared/testing/node/fake-email-provider.ts). */
    fakeEmail: string;
    /** The fake Turnstile siteverify URL (shared/testing/node/fake-turnstile.ts). */
    fakeTurnstile: string;
  }
}
