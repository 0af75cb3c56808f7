export * from "./api-key-secret.ts";
export * from "./encoding.ts";
export * from "./password.ts";
