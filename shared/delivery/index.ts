export * from "./email-message.ts";
export * from "./execution.ts";
export * from "./machine-open.ts";
export * from "./outgoing-webhooks.ts";
export * from "./provider-events.ts";
export * from "./providers.ts";
export * from "./tokens.ts";
export * from "./transport.ts";
