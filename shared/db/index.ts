export { DbClient, type OpenOptions, withTimeout } from "./client.ts";
export type { DatabaseConfig } from "./config.ts";
export { isThrown, THROWN, translateDatabaseError } from "./errors.ts";
export { applyMigrations, type Migration, type MigrationReport } from "./migrations.ts";
export { keyOf, recordId, TABLES, type Table } from "./record-id.ts";
export * from "./repositories/index.ts";
