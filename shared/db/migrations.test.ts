import { afterAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../testing/node/database.ts";
import type { DbClient } from "./client.ts";
import { applyMigrations } from "./migrations.ts";
import { readMigrations } from "./migrations-fs.ts";

describe("migrations", () => {
  const opened: DbClient[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close()));
  });

  it("applies every file in order, records each one, and is a no-op the second time", async () => {
    const { db } = await freshDatabase("migrate", { migrate: false });
    opened.push(db);
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);

    const first = await applyMigrations(db, files);
    expect(first.applied).toEqual(files.map((file) => file.name));
    expect(first.skipped).toEqual([]);

    const second = await applyMigrations(db, files);
    expect(second.applied).toEqual([]);
    expect(second.skipped).toEqual(files.map((file) => file.name));

    const [rows] = await db.query<[{ name: string; checksum: string }[]]>(
      "SELECT name, checksum FROM migration ORDER BY name",
    );
    expect(rows.map((row) => row.name)).toEqual(files.map((file) => file.name));
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.checksum))).toBe(true);

    const [info] = await db.query<[{ tables: Record<string, unknown> }]>("INFO FOR DB");
    expect(Object.keys(info.tables)).toEqual(
      expect.arrayContaining(["contact", "company", "timeline_entry"]),
    );
  });

  it("refuses an applied migration whose file has changed", async () => {
    const { db } = await freshDatabase("migrate_changed", { migrate: false });
    opened.push(db);
    await applyMigrations(db, [{ name: "0001_one.surql", sql: "DEFINE TABLE one SCHEMALESS;" }]);
    await expect(
      applyMigrations(db, [{ name: "0001_one.surql", sql: "DEFINE TABLE one SCHEMAFULL;" }]),
    ).rejects.toThrow(/changed after it was applied/);
  });

  it("applies a failing migration not at all (no half-defined schema, no record)", async () => {
    const { db } = await freshDatabase("migrate_fail", { migrate: false });
    opened.push(db);
    await expect(
      applyMigrations(db, [
        {
          name: "0001_bad.surql",
          sql: "DEFINE TABLE half SCHEMAFULL; DEFINE FIELD x ON half TYPE nonsense<>;",
        },
      ]),
    ).rejects.toThrow();
    const [info] = await db.query<[{ tables: Record<string, unknown> }]>("INFO FOR DB");
    expect(Object.keys(info.tables)).not.toContain("half");
    const [rows] = await db.query<[unknown[]]>("SELECT * FROM migration");
    expect(rows).toEqual([]);
  });

  it("refuses badly named migration files", async () => {
    const { db } = await freshDatabase("migrate_name", { migrate: false });
    opened.push(db);
    await expect(applyMigrations(db, [{ name: "one.surql", sql: "RETURN 1;" }])).rejects.toThrow(
      /bad migration/,
    );
  });
});
