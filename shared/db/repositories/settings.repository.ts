import { RecordId } from "surrealdb";
import {
  type BrandSettings,
  BrandSettingsSchema,
  type BrandSettingsUpdate,
  DEFAULT_BRAND_SETTINGS,
} from "../../schemas/settings.ts";
import type { DbClient } from "../client.ts";
import { rowMapper } from "../row.ts";

const BRAND = new RecordId("settings", "brand");
const toSettings = rowMapper(BrandSettingsSchema);

/** The workspace's brand settings: one row, created on first save; defaults until then. */
export class SettingsRepository {
  readonly #db: DbClient;

  constructor(db: DbClient) {
    this.#db = db;
  }

  async getBrand(): Promise<BrandSettings> {
    const [row] = await this.#db.query<[unknown]>("SELECT * FROM ONLY $id", { id: BRAND });
    return row ? toSettings(row) : DEFAULT_BRAND_SETTINGS;
  }

  /** Applies a partial update on top of the current (or default) settings; null clears a field. */
  async updateBrand(patch: BrandSettingsUpdate): Promise<BrandSettings> {
    const current = await this.getBrand();
    const merged = { ...current, ...patch };
    const content: Record<string, unknown> = {
      brand_name: merged.brand_name,
      voice: merged.voice,
      postal_address: merged.postal_address,
      default_sender_name: merged.default_sender_name,
      updated_at: new Date(),
    };
    if (merged.default_sender_email) content.default_sender_email = merged.default_sender_email;
    if (merged.website_url) content.website_url = merged.website_url;
    const [row] = await this.#db.query<[unknown]>("UPSERT ONLY $id CONTENT $content", { id: BRAND, content });
    return toSettings(row);
  }
}
