import { EventSchema } from "../../schemas/event.ts";
import type { DbClient } from "../client.ts";
import { TableRepository } from "./table.repository.ts";

/** Events, as far as campaigns and segments need them (the events API extends this). */
export class EventRepository {
  readonly rows: TableRepository<typeof EventSchema>;

  constructor(db: DbClient) {
    this.rows = new TableRepository(db, {
      table: "event",
      schema: EventSchema,
      sortFields: ["start_time", "created_at"],
      dateFields: ["start_time", "created_at"],
      writable: ["campaign", "name", "type", "description", "start_time", "end_time", "location", "capacity"],
    });
  }

  get(key: string) {
    return this.rows.get(key);
  }
}
