export * from "./config.ts";
export * from "./generate.ts";
export * from "./prompts.ts";
export * from "./render.ts";
export * from "./template-provider.ts";
export * from "./types.ts";
