import type { RecordId } from "surrealdb";
import { AppError } from "../../errors/index.ts";
import {
  SEGMENT_SAMPLE_SIZE,
  type Segment,
  type SegmentCreate,
  type SegmentListQuery,
  type SegmentPatch,
  type SegmentPreview,
  SegmentSchema,
} from "../../schemas/segment.ts";
import type { SegmentTree } from "../../schemas/segment-tree.ts";
import type { DbClient } from "../client.ts";
import { isThrown, THROWN } from "../errors.ts";
import { compileSegment, segmentQuery } from "../segment-compiler.ts";
import type { ContactRepository } from "./contact.repository.ts";
import { type Page, TableRepository, Where } from "./table.repository.ts";
import { returned } from "./transaction.ts";

/** Saved segments, and previews of any tree (saved or not) against the live contacts. */
export class SegmentRepository {
  readonly rows: TableRepository<typeof SegmentSchema>;
  readonly #contacts: ContactRepository;

  constructor(db: DbClient, contacts: ContactRepository) {
    this.rows = new TableRepository(db, {
      table: "segment",
      schema: SegmentSchema,
      sortFields: ["created_at", "name"],
      dateFields: ["created_at"],
      writable: ["name", "description", "tree"],
    });
    this.#contacts = contacts;
  }

  require(key: string) {
    return this.rows.require(key);
  }

  list(query: SegmentListQuery): Promise<Page<Segment>> {
    const filters = new Where().when(
      query.search,
      "string::contains(string::lowercase(name), $search)",
      "search",
      query.search?.toLowerCase(),
    );
    return this.rows.list(query, filters);
  }

  create(input: SegmentCreate): Promise<Segment> {
    return this.rows.create(input);
  }

  /**
   * Renames or redefines a segment. Its tree is the live audience of a running or paused campaign
   * that uses it, so the tree cannot change while one does (409); the check and the write are one
   * transaction.
   */
  async update(key: string, patch: SegmentPatch): Promise<Segment> {
    const id = this.rows.id(key);
    if (!id) throw AppError.notFound("segment", key);
    const { clause, vars } = this.rows.setClause(patch);
    const guard =
      "tree" in patch
        ? `IF count(SELECT id FROM campaign WHERE segment = $id AND status IN ['running', 'paused']) > 0 {
             THROW '${THROWN.segmentInUse}';
           };`
        : "";
    try {
      const results = await this.rows.db.query(
        `BEGIN TRANSACTION;
         ${guard}
         LET $updated = (UPDATE $id SET ${clause} RETURN AFTER)[0];
         RETURN $updated;
         COMMIT TRANSACTION;`,
        { ...vars, id },
      );
      const updated = returned(results);
      if (!updated) throw AppError.notFound("segment", key);
      return this.rows.toEntity(updated);
    } catch (error) {
      if (isThrown(error, THROWN.segmentInUse)) {
        throw new AppError(
          "conflict",
          "a running or paused campaign targets this segment; its tree cannot change now",
          {
            field: "tree",
          },
        );
      }
      throw error;
    }
  }

  /**
   * Deletes a saved segment. A campaign past draft keeps the audience it was planned or sent with, so
   * deleting is refused while any does (409); drafts that used it are detached in the same transaction
   * and will need a new audience before scheduling.
   */
  async remove(key: string): Promise<boolean> {
    try {
      return await this.rows.remove(
        key,
        `IF count(SELECT id FROM campaign WHERE segment = $id AND status != 'draft') > 0 {
           THROW '${THROWN.segmentInUse}';
         };
         UPDATE campaign SET segment = NONE, updated_at = time::floor(time::now(), 1ms)
           WHERE segment = $id AND status = 'draft';`,
      );
    } catch (error) {
      if (isThrown(error, THROWN.segmentInUse)) {
        throw new AppError("conflict", "a campaign past draft uses this segment; it keeps its audience", {
          field: "segment",
        });
      }
      throw error;
    }
  }

  /** Every contact the tree matches right now: id and email (what a campaign run needs). */
  async members(tree: SegmentTree, now: Date = new Date()): Promise<Array<{ id: RecordId; email: string }>> {
    const compiled = compileSegment(tree, now);
    const select = compiled.ids
      ? `SELECT id, email FROM <array>${compiled.ids};`
      : `SELECT id, email FROM contact WHERE ${compiled.where};`;
    const results = await this.rows.db.query([...compiled.lets, select].join("\n"), compiled.vars);
    return results[results.length - 1] as Array<{ id: RecordId; email: string }>;
  }

  /** How many contacts match the tree right now, and the newest of them. */
  async preview(tree: SegmentTree, now: Date = new Date()): Promise<SegmentPreview> {
    const query = segmentQuery(tree, now, { limit: SEGMENT_SAMPLE_SIZE });
    const results = await this.rows.db.query(query.sql, query.vars);
    return {
      count: Number(results[query.countIndex] ?? 0),
      sample: ((results[query.sampleIndex] as unknown[] | undefined) ?? []).map(this.#contacts.rows.toEntity),
    };
  }
}
