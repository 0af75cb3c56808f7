import { type AssetInput, generateAsset } from "@crm/shared/ai";
import type { LandingPageRow, Repositories } from "@crm/shared/db";
import { type CampaignObjective, slugify } from "@crm/shared/domain";
import { AppError } from "@crm/shared/errors";
import {
  defaultLandingSettings,
  type LandingPage,
  type LandingPageCreate,
  type LandingPagePatch,
  type LandingPageSettings,
  LandingPageSettingsSchema,
} from "@crm/shared/schemas";
import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { CrudRepository } from "../app/crud.handlers.ts";
import type { AppEnv } from "../app/factory.ts";
import { generationInput } from "../campaigns/assets.handlers.ts";
import { purgeCachedPage } from "../landing/page-cache.ts";
import type { landingPageRoutes } from "./landing-pages.routes.ts";

/** The API shape: the stored page plus its public address. */
function withUrl(base: string, page: LandingPageRow): LandingPage {
  return { ...page, url: `${base}/lp/${page.slug}` };
}

/** Settings after a create's overrides or an edit, checked whole (422 naming the settings field). */
function checkedSettings(settings: Record<string, unknown>): LandingPageSettings {
  const checked = LandingPageSettingsSchema.safeParse(settings);
  if (checked.success) return checked.data;
  const issue = checked.error.issues[0];
  throw AppError.invalidField(
    ["settings", ...(issue?.path ?? []).map(String)].join("."),
    issue?.message ?? "is invalid",
  );
}

/** Every address a page may be cached at (its id, its slug, and its old slug after a rename). */
function cachedRefs(...pages: LandingPageRow[]): string[] {
  return pages.flatMap((page) => [page.id, page.slug]);
}

/**
 * The CRUD factory's repository for landing pages: the stored rows with their public URL, and the
 * edge cache purged by every change visitors could see.
 */
export function landingPagesCrud(repos: Repositories, c: Context<AppEnv>): CrudRepository<LandingPage> {
  const base = c.var.config.delivery.publicBaseUrl;
  const pages = repos.landingPages;
  return {
    list: (async (query: Parameters<typeof pages.list>[0]) => {
      const page = await pages.list(query);
      return { ...page, data: page.data.map((row) => withUrl(base, row)) };
    }) as CrudRepository<LandingPage>["list"],
    require: async (key) => withUrl(base, await pages.require(key)),
    create: (async (input: LandingPageCreate) => {
      const brand = await repos.settings.getBrand();
      const slug = input.slug ?? slugify(input.title);
      const created = await pages.create({
        title: input.title,
        slug,
        slugIsBase: !input.slug,
        campaign: input.campaign ?? null,
        content: input.content,
        settings: checkedSettings({ ...defaultLandingSettings(brand.brand_name, slug), ...input.settings }),
        metadata: null,
      });
      return withUrl(base, created);
    }) as CrudRepository<LandingPage>["create"],
    update: (async (key: string, patch: LandingPagePatch) => {
      const current = await pages.require(key);
      const settings = patch.settings
        ? checkedSettings({ ...current.settings, ...patch.settings })
        : undefined;
      const { before, after } = await pages.update(key, {
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.slug !== undefined ? { slug: patch.slug } : {}),
        ...(patch.content !== undefined ? { content: patch.content } : {}),
        ...(settings ? { settings } : {}),
        ...(patch.campaign !== undefined ? { campaign: patch.campaign } : {}),
      });
      await purgeCachedPage(base, cachedRefs(before, after));
      return withUrl(base, after);
    }) as CrudRepository<LandingPage>["update"],
    remove: async (key) => {
      const removed = await pages.remove(key);
      if (removed) await purgeCachedPage(base, cachedRefs(removed));
      return Boolean(removed);
    },
  };
}

/** What the generator reads for a page of its own: the prompt is the brief of a lead-gen page. */
function standaloneInput(
  body: { prompt: string; title?: string | undefined; objective?: CampaignObjective | undefined },
  brand: AssetInput["brand"],
): AssetInput {
  return {
    campaign: {
      name: body.title ?? "Landing page",
      objective: body.objective ?? "lead_gen",
      channels: ["landing_page"],
      prompt: body.prompt,
    },
    brand,
  };
}

export const generatePage: RouteHandler<typeof landingPageRoutes.generate, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const repos = await c.var.services.repositories();
  const brand = await repos.settings.getBrand();
  let input: AssetInput;
  if (body.campaign_id) {
    const campaign = await repos.campaigns.rows.get(body.campaign_id);
    if (!campaign) throw AppError.invalidField("campaign_id", "no campaign with this id exists");
    input = await generationInput(repos, campaign, body.prompt);
  } else {
    input = standaloneInput(body, brand);
  }
  const generated = await generateAsset("landing_page", input, { config: c.var.config.ai });
  const hero = generated.content.blocks.find((block) => block.type === "hero");
  const title = body.title ?? (hero?.type === "hero" ? hero.headline : "Landing page").slice(0, 200);
  const slug = body.slug ?? slugify(title);
  const created = await repos.landingPages.create({
    title,
    slug,
    slugIsBase: !body.slug,
    campaign: body.campaign_id ?? null,
    content: generated.content,
    settings: defaultLandingSettings(brand.brand_name, slug),
    // The request's prompt is what the page was made from (alone, it is the brief, not an extra line).
    metadata: { ...generated.metadata, prompt: body.prompt },
  });
  return c.json(withUrl(c.var.config.delivery.publicBaseUrl, created), 201);
};

function statusHandler(status: "draft" | "published") {
  return async (c: Context<AppEnv>) => {
    const { id } = (c.req as unknown as { valid(target: "param"): { id: string } }).valid("param");
    const repos = await c.var.services.repositories();
    const base = c.var.config.delivery.publicBaseUrl;
    const { before, after } = await repos.landingPages.setStatus(id, status);
    // Publishing has nothing to purge unless a copy outlived an unpublish elsewhere; purge anyway.
    await purgeCachedPage(base, cachedRefs(before, after));
    return c.json(withUrl(base, after), 200);
  };
}

export const publishPage = statusHandler("published") as RouteHandler<
  typeof landingPageRoutes.publish,
  AppEnv
>;
export const unpublishPage = statusHandler("draft") as RouteHandler<
  typeof landingPageRoutes.unpublish,
  AppEnv
>;

export const contactConsent: RouteHandler<typeof landingPageRoutes.consent, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const repos = await c.var.services.repositories();
  await repos.contacts.require(id);
  return c.json({ data: await repos.landingPages.consentLog(id) }, 200);
};
