export * from "./app-error.ts";
export * from "./codes.ts";
export * from "./envelope.ts";
