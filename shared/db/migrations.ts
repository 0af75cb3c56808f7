import { sha256Hex } from "../auth/encoding.ts";
import type { DbClient } from "./client.ts";

/** One `.surql` file from `shared/db/migrations`, named `NNNN_description.surql`. */
export interface Migration {
  name: string;
  sql: string;
}

export interface MigrationReport {
  applied: string[];
  skipped: string[];
}

const MIGRATION_NAME = /^\d{4}_[a-z0-9_]+\.surql$/;

/**
 * Applies migrations in name order, each in its own transaction together with its record in the
 * `migration` table, so a migration is applied entirely or not at all, and exactly once. Running
 * again is a no-op; an applied migration whose file changed is refused (write a new one instead).
 */
export async function applyMigrations(
  db: DbClient,
  migrations: readonly Migration[],
): Promise<MigrationReport> {
  const ordered = [...migrations].sort((a, b) => a.name.localeCompare(b.name));
  for (const migration of ordered) {
    if (!MIGRATION_NAME.test(migration.name)) throw new Error(`bad migration file name: ${migration.name}`);
  }
  await db.query(`
    DEFINE TABLE IF NOT EXISTS migration SCHEMAFULL COMMENT 'Applied schema migrations';
    DEFINE FIELD IF NOT EXISTS name ON migration TYPE string;
    DEFINE FIELD IF NOT EXISTS checksum ON migration TYPE string;
    DEFINE FIELD IF NOT EXISTS applied_at ON migration TYPE datetime DEFAULT time::now();
    DEFINE INDEX IF NOT EXISTS migration_name ON migration FIELDS name UNIQUE;
  `);
  const [rows] = await db.query<[{ name: string; checksum: string }[]]>(
    "SELECT name, checksum FROM migration",
  );
  const done = new Map(rows.map((row) => [row.name, row.checksum]));

  const report: MigrationReport = { applied: [], skipped: [] };
  for (const migration of ordered) {
    const checksum = await sha256Hex(migration.sql);
    const recorded = done.get(migration.name);
    if (recorded !== undefined) {
      if (recorded !== checksum) {
        throw new Error(
          `migration ${migration.name} was changed after it was applied; add a new migration instead`,
        );
      }
      report.skipped.push(migration.name);
      continue;
    }
    await db.query(
      `BEGIN TRANSACTION;\n${migration.sql}\n;CREATE migration CONTENT { name: $name, checksum: $checksum };\nCOMMIT TRANSACTION;`,
      { name: migration.name, checksum },
    );
    report.applied.push(migration.name);
  }
  return report;
}
