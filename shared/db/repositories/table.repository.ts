import type { RecordId } from "surrealdb";
import type { z } from "zod";
import { AppError } from "../../errors/index.ts";
import type { DbClient } from "../client.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { isThrown, THROWN } from "../errors.ts";
import { recordId, type Table } from "../record-id.ts";
import { rowMapper } from "../row.ts";

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Collects list filters: each applies only when its value is given, and its value is bound as a
 * parameter under the given name. Conditions are written by repositories from allow-listed fields.
 */
export class Where {
  readonly conditions: string[] = [];
  readonly vars: Record<string, unknown> = {};

  when(value: unknown, condition: string, name: string, bound: unknown = value): this {
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return this;
    this.conditions.push(condition);
    this.vars[name] = bound;
    return this;
  }
}

/** Which page of a list: a validated sort (an allow-listed field, `-` for descending), size and cursor. */
export interface PageRequest {
  sort: string;
  limit: number;
  cursor?: string | undefined;
}

export interface TableSpec<S extends z.ZodObject> {
  table: Table;
  /** The API shape rows are mapped to and checked against. */
  schema: S;
  /** Adds derived, read-only fields (e.g. engagement_level) to a mapped row. */
  derive?: (row: Record<string, unknown>) => Record<string, unknown>;
  /** Fields a list may be sorted by. */
  sortFields: readonly string[];
  /** Sort fields holding datetimes (their cursor values are bound as dates). */
  dateFields?: readonly string[];
  /** Fields a client may write, through create or update. Anything else never reaches the query. */
  writable: readonly string[];
  /** What a list selects (default `*`): a fixed projection, e.g. fields of a linked record. */
  listProjection?: string;
}

/**
 * The CRUD every table shares, written once: get, keyset-paginated list, create, partial update and
 * delete, all with bound parameters and allow-listed identifiers. Resource repositories compose it
 * and add what is special about them.
 */
export class TableRepository<S extends z.ZodObject> {
  readonly db: DbClient;
  readonly spec: TableSpec<S>;
  readonly toEntity: (row: unknown) => z.infer<S>;

  constructor(db: DbClient, spec: TableSpec<S>) {
    this.db = db;
    this.spec = spec;
    this.toEntity = rowMapper(spec.schema, spec.derive);
  }

  /** The record id for a key, or undefined when the key cannot be an id of this table. */
  id(key: string): RecordId<Table, string> | undefined {
    return recordId(this.spec.table, key);
  }

  /** The record id for a key that must exist as such (404 otherwise). */
  requireId(key: string): RecordId<Table, string> {
    const id = this.id(key);
    if (!id) throw AppError.notFound(this.spec.table, key);
    return id;
  }

  async get(key: string): Promise<z.infer<S> | undefined> {
    const id = this.id(key);
    if (!id) return undefined;
    const [row] = await this.db.query<[unknown]>("SELECT * FROM ONLY $id", { id });
    return row ? this.toEntity(row) : undefined;
  }

  async require(key: string): Promise<z.infer<S>> {
    const entity = await this.get(key);
    if (!entity) throw AppError.notFound(this.spec.table, key);
    return entity;
  }

  async exists(key: string): Promise<boolean> {
    const id = this.id(key);
    if (!id) return false;
    const [exists] = await this.db.query<[boolean]>("RETURN record::exists($id)", { id });
    return exists;
  }

  /** One page of the rows matching `filters`, in keyset order (sort field, then id). */
  async list(options: PageRequest, filters: Where = new Where()): Promise<Page<z.infer<S>>> {
    const descending = options.sort.startsWith("-");
    const field = descending ? options.sort.slice(1) : options.sort;
    if (!this.spec.sortFields.includes(field)) throw AppError.invalidField("sort", `cannot sort by ${field}`);
    const direction = descending ? "DESC" : "ASC";
    const where = [...filters.conditions];
    const vars: Record<string, unknown> = { ...filters.vars, limit: options.limit + 1 };

    if (options.cursor) {
      const position = decodeCursor(options.cursor, options.sort);
      const cursorId = this.id(position.key);
      if (!cursorId) throw AppError.invalidField("cursor", "is not a cursor from this list");
      const comparison = descending ? "<" : ">";
      where.push(
        `(${field} ${comparison} $cursor_value OR (${field} = $cursor_value AND id ${comparison} $cursor_id))`,
      );
      if (this.spec.dateFields?.includes(field)) {
        const date = typeof position.value === "string" ? new Date(position.value) : new Date(Number.NaN);
        if (Number.isNaN(date.getTime()))
          throw AppError.invalidField("cursor", "is not a cursor from this list");
        vars.cursor_value = date;
      } else {
        vars.cursor_value = position.value;
      }
      vars.cursor_id = cursorId;
    }

    const sql = [
      `SELECT ${this.spec.listProjection ?? "*"} FROM ${this.spec.table}`,
      where.length > 0 ? `WHERE ${where.join(" AND ")}` : "",
      `ORDER BY ${field} ${direction}, id ${direction}`,
      "LIMIT $limit",
    ].join(" ");
    const [rows] = await this.db.query<[unknown[]]>(sql, vars);
    const entities = rows.slice(0, options.limit).map(this.toEntity);
    const last = entities.at(-1) as Record<string, unknown> | undefined;
    const nextCursor =
      rows.length > options.limit && last
        ? encodeCursor({ sort: options.sort, value: last[field] as string | number, key: String(last.id) })
        : null;
    return { data: entities, nextCursor };
  }

  async create(data: Record<string, unknown>): Promise<z.infer<S>> {
    const [row] = await this.db.query<[unknown]>(`CREATE ONLY ${this.spec.table} CONTENT $data`, {
      data: this.writableOnly(data),
    });
    return this.toEntity(row);
  }

  /**
   * Sets the given fields (null clears an optional one) and bumps `updated_at`. Returns undefined
   * when the record does not exist.
   */
  async update(key: string, patch: Record<string, unknown>): Promise<z.infer<S> | undefined> {
    const id = this.id(key);
    if (!id) return undefined;
    const { clause, vars } = this.setClause(patch);
    const [rows] = await this.db.query<[unknown[]]>(`UPDATE $id SET ${clause} RETURN AFTER`, { ...vars, id });
    const row = rows[0];
    return row ? this.toEntity(row) : undefined;
  }

  /** `a = $set_a, b = NONE, updated_at = now`: names from the writable allow-list, values bound. */
  setClause(patch: Record<string, unknown>): { clause: string; vars: Record<string, unknown> } {
    const assignments: string[] = [];
    const vars: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(this.writableOnly(patch, true))) {
      if (value === null) {
        assignments.push(`${field} = NONE`);
      } else {
        assignments.push(`${field} = $set_${field}`);
        vars[`set_${field}`] = value;
      }
    }
    assignments.push("updated_at = time::floor(time::now(), 1ms)");
    return { clause: assignments.join(", "), vars };
  }

  /**
   * Deletes the record and, in the same transaction, runs `cascade`: statements that clean up what
   * referred to it (bound as `$id`). Returns false when there was no such record (nothing changes).
   */
  async remove(key: string, cascade = ""): Promise<boolean> {
    const id = this.id(key);
    if (!id) return false;
    try {
      await this.db.query(
        `BEGIN TRANSACTION;
         LET $before = (DELETE $id RETURN BEFORE);
         IF array::len($before) = 0 { THROW '${THROWN.recordNotFound}' };
         ${cascade}
         COMMIT TRANSACTION;`,
        { id },
      );
      return true;
    } catch (error) {
      if (isThrown(error, THROWN.recordNotFound)) return false;
      throw error;
    }
  }

  /** Drops every field not on the writable allow-list (and undefined values; null only if kept). */
  writableOnly(data: Record<string, unknown>, keepNull = false): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const field of this.spec.writable) {
      const value = data[field];
      if (value === undefined || (value === null && !keepNull)) continue;
      out[field] = value;
    }
    return out;
  }
}
