import { type AssetInput, deriveAssetContent, generateAsset, renderForContact } from "@crm/shared/ai";
import type { Repositories } from "@crm/shared/db";
import { type AssetType, CHANNEL_ASSET } from "@crm/shared/domain";
import { AppError } from "@crm/shared/errors";
import { ASSET_DRAFT_SCHEMAS, type Campaign } from "@crm/shared/schemas";
import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app/factory.ts";
import { fieldIssues } from "../app/validation-hook.ts";
import type { assetRoutes } from "./assets.routes.ts";

/** Everything a generator reads about a campaign: the campaign, the brand, its event (landing pages too). */
export async function generationInput(
  repos: Repositories,
  campaign: Campaign,
  prompt: string | undefined,
): Promise<AssetInput> {
  const brand = await repos.settings.getBrand();
  const event = campaign.event ? await repos.events.get(campaign.event) : undefined;
  return {
    campaign: {
      name: campaign.name,
      objective: campaign.objective,
      channels: campaign.channels,
      prompt: campaign.prompt,
    },
    brand,
    ...(prompt ? { prompt } : {}),
    event: event
      ? { name: event.name, start_time: event.start_time, end_time: event.end_time, location: event.location }
      : null,
  };
}

async function draft(
  c: Context<AppEnv>,
  repos: Repositories,
  campaign: Campaign,
  type: AssetType,
  prompt?: string,
) {
  const result = await generateAsset(type, await generationInput(repos, campaign, prompt), {
    config: c.var.config.ai,
  });
  return repos.assets.store(campaign.id, type, result.content, result.metadata);
}

export const listAssets: RouteHandler<typeof assetRoutes.list, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const repos = await c.var.services.repositories();
  await repos.campaigns.require(id);
  return c.json({ data: await repos.assets.listForCampaign(id) }, 200);
};

export const generateAssets: RouteHandler<typeof assetRoutes.generate, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const repos = await c.var.services.repositories();
  const campaign = await repos.campaigns.requireEditable(id);
  const types = body.types ?? [...new Set(campaign.channels.map((channel) => CHANNEL_ASSET[channel]))];
  // One at a time: each may call the model, and a slow provider should not be hit in parallel bursts.
  const data = [];
  for (const type of types) data.push(await draft(c, repos, campaign, type, body.prompt));
  return c.json({ data }, 201);
};

export const getAsset: RouteHandler<typeof assetRoutes.get, AppEnv> = async (c) => {
  const { id, assetId } = c.req.valid("param");
  const repos = await c.var.services.repositories();
  await repos.campaigns.require(id);
  return c.json(await repos.assets.requireInCampaign(id, assetId), 200);
};

export const editAsset: RouteHandler<typeof assetRoutes.edit, AppEnv> = async (c) => {
  const { id, assetId } = c.req.valid("param");
  const { content } = c.req.valid("json");
  const repos = await c.var.services.repositories();
  await repos.campaigns.requireEditable(id);
  const asset = await repos.assets.requireInCampaign(id, assetId);
  const parsed = ASSET_DRAFT_SCHEMAS[asset.type].safeParse(content);
  if (!parsed.success) {
    throw AppError.validation(
      fieldIssues(parsed.error).map((issue) => ({
        ...issue,
        field: issue.field ? `content.${issue.field}` : "content",
      })),
    );
  }
  const brand = await repos.settings.getBrand();
  const stored = deriveAssetContent(asset.type, parsed.data as never, brand);
  return c.json(await repos.assets.saveEdit(id, assetId, stored), 200);
};

export const regenerateAsset: RouteHandler<typeof assetRoutes.regenerate, AppEnv> = async (c) => {
  const { id, assetId } = c.req.valid("param");
  const body = c.req.valid("json");
  const repos = await c.var.services.repositories();
  const campaign = await repos.campaigns.requireEditable(id);
  const asset = await repos.assets.requireInCampaign(id, assetId);
  return c.json(await draft(c, repos, campaign, asset.type, body.prompt), 200);
};

export const previewAsset: RouteHandler<typeof assetRoutes.preview, AppEnv> = async (c) => {
  const { id, assetId } = c.req.valid("param");
  const { contact: contactKey } = c.req.valid("query");
  const repos = await c.var.services.repositories();
  await repos.campaigns.require(id);
  const asset = await repos.assets.requireInCampaign(id, assetId);
  const contact = await repos.contacts.get(contactKey);
  if (!contact) throw AppError.invalidField("contact", "no contact with this id exists");
  const company = contact.company ? await repos.companies.get(contact.company) : undefined;
  const brand = await repos.settings.getBrand();
  const rendered = renderForContact(
    asset.type,
    asset.content as never,
    {
      first_name: contact.first_name,
      last_name: contact.last_name,
      email: contact.email,
      company_name: company?.name ?? null,
    },
    brand,
  );
  return c.json(
    {
      asset: asset.id,
      type: asset.type,
      contact: contact.id,
      content: rendered.content,
      unknown_tags: rendered.unknownTags,
    },
    200,
  );
};
