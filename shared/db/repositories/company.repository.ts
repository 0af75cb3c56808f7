import { AppError } from "../../errors/index.ts";
import {
  COMPANY_SORT_FIELDS,
  type Company,
  type CompanyCreate,
  type CompanyListQuery,
  type CompanyPatch,
  CompanySchema,
} from "../../schemas/company.ts";
import type { DbClient } from "../client.ts";
import { isThrown, THROWN } from "../errors.ts";
import { type Page, TableRepository } from "./table.repository.ts";

export class CompanyRepository {
  readonly rows: TableRepository<typeof CompanySchema>;

  constructor(db: DbClient) {
    this.rows = new TableRepository(db, {
      table: "company",
      schema: CompanySchema,
      sortFields: COMPANY_SORT_FIELDS,
      dateFields: ["created_at", "updated_at"],
      writable: ["name", "domain", "industry", "size", "tags"],
    });
  }

  get(key: string) {
    return this.rows.get(key);
  }

  require(key: string) {
    return this.rows.require(key);
  }

  create(input: CompanyCreate): Promise<Company> {
    return this.rows.create(input);
  }

  async update(key: string, patch: CompanyPatch): Promise<Company> {
    const updated = await this.rows.update(key, patch);
    if (!updated) throw AppError.notFound("company", key);
    return updated;
  }

  list(query: CompanyListQuery): Promise<Page<Company>> {
    const where: string[] = [];
    const vars: Record<string, unknown> = {};
    if (query.search) {
      where.push(
        "(string::contains(string::lowercase(name), $search) OR string::contains(domain ?? '', $search))",
      );
      vars.search = query.search.toLowerCase();
    }
    if (query.industry) {
      where.push("string::lowercase(industry ?? '') = $industry");
      vars.industry = query.industry.toLowerCase();
    }
    if (query.size) {
      where.push("size = $size");
      vars.size = query.size;
    }
    if (query.tag && query.tag.length > 0) {
      where.push("tags CONTAINSALL $tags");
      vars.tags = query.tag;
    }
    return this.rows.list({ where, vars, sort: query.sort, limit: query.limit, cursor: query.cursor });
  }

  /** Deletes the company and, in the same transaction, unlinks its contacts and timeline entries. */
  async remove(key: string): Promise<boolean> {
    const id = this.rows.id(key);
    if (!id) return false;
    try {
      await this.rows.db.query(
        `BEGIN TRANSACTION;
         LET $before = (DELETE $id RETURN BEFORE);
         IF array::len($before) = 0 { THROW '${THROWN.companyNotFound}' };
         UPDATE contact SET company = NONE, updated_at = time::floor(time::now(), 1ms) WHERE company = $id;
         UPDATE timeline_entry SET company = NONE WHERE company = $id;
         COMMIT TRANSACTION;`,
        { id },
      );
      return true;
    } catch (error) {
      if (isThrown(error, THROWN.companyNotFound)) return false;
      throw error;
    }
  }
}
