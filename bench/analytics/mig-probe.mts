import WebSocket from "ws";
import { DbClient } from "../../shared/db/client.ts";
import { applyMigrations } from "../../shared/db/migrations.ts";
import { readMigrations } from "../../shared/db/migrations-fs.ts";
import { startBenchDatabase } from "../harness.ts";

const bench = await startBenchDatabase("mig");
const db = await DbClient.open(bench.configFor("m"), {
  websocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
});
try {
  await applyMigrations(db, await readMigrations());
  const q = async (sql: string) => {
    try {
      console.log(JSON.stringify(await db.query(sql)));
    } catch (e) {
      console.log("ERR", String(e));
    }
  };
  await q(
    `CREATE contact:a CONTENT { first_name: 'A', last_name: 'B', email: 'a@x.io', tags: ['vip', 'beta'] }`,
  );
  await q(
    `CREATE contact:b CONTENT { first_name: 'A', last_name: 'B', email: 'b@x.io', tags: ['vip'], source: 'landing_page:x' }`,
  );
  await q(`UPDATE contact:a SET engagement_score = 45.5, status = 'customer', tags = ['beta', 'new']`);
  await q(
    `CREATE timeline_entry CONTENT { contact: contact:a, type: 'form_submission', content: 'x', metadata: { campaign: 'camp1' } }`,
  );
  await q(
    `CREATE timeline_entry CONTENT { contact: contact:b, type: 'note', content: 'x', metadata: { campaign: {a: 1} } }`,
  );
  await q(
    `CREATE timeline_entry CONTENT { contact: contact:b, type: 'custom_event', content: 'x', metadata: { event: 'signup' } }`,
  );
  await q(`SELECT record::id(id) AS k, n FROM stat ORDER BY k; SELECT * FROM funnel_lead;`);
  await q(`DELETE contact:a`);
  await q(`SELECT record::id(id) AS k, n FROM stat WHERE n != 0 ORDER BY k; SELECT * FROM funnel_lead;`);
} finally {
  await db.close();
  await bench.close();
}
