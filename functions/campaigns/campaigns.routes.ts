import {
  CampaignCreateSchema,
  CampaignListQuerySchema,
  CampaignPageSchema,
  CampaignPatchSchema,
  CampaignSchema,
} from "@crm/shared/schemas";
import { crudRoutes } from "../app/crud.routes.ts";

const crud = crudRoutes({
  path: "/api/campaigns",
  tag: "Campaigns",
  noun: "campaign",
  schemas: {
    entity: CampaignSchema,
    page: CampaignPageSchema,
    create: CampaignCreateSchema,
    patch: CampaignPatchSchema,
    listQuery: CampaignListQuerySchema,
  },
  writeErrors: ["conflict"],
});

export const campaignRoutes = {
  ...crud,
  update: {
    ...crud.update,
    summary: "Update a campaign or move it (status: scheduled, draft, paused, running to resume, cancelled)",
  },
  remove: { ...crud.remove, summary: "Delete a draft campaign and its assets (others: cancel instead)" },
};
