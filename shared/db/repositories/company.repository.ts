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
import { type Page, TableRepository, Where } from "./table.repository.ts";

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
    const filters = new Where()
      .when(
        query.search,
        "(string::contains(string::lowercase(name), $search) OR string::contains(domain ?? '', $search))",
        "search",
        query.search?.toLowerCase(),
      )
      .when(
        query.industry,
        "string::lowercase(industry ?? '') = $industry",
        "industry",
        query.industry?.toLowerCase(),
      )
      .when(query.size, "size = $size", "size")
      .when(query.tag, "tags CONTAINSALL $tags", "tags");
    return this.rows.list(query, filters);
  }

  /** Deletes the company and, in the same transaction, unlinks its contacts and timeline entries. */
  remove(key: string): Promise<boolean> {
    return this.rows.remove(
      key,
      `UPDATE contact SET company = NONE, updated_at = time::floor(time::now(), 1ms) WHERE company = $id;
       UPDATE timeline_entry SET company = NONE WHERE company = $id;`,
    );
  }
}
