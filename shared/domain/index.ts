export * from "./access.ts";
export * from "./campaign-status.ts";
export * from "./contact-status.ts";
export * from "./engagement.ts";
export * from "./timeline-types.ts";
export * from "./validation.ts";
export * from "./webhooks.ts";
