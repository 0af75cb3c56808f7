export * from "./auth.ts";
export * from "./common.ts";
export * from "./company.ts";
export * from "./contact.ts";
export * from "./fields.ts";
export * from "./health.ts";
export * from "./timeline.ts";
