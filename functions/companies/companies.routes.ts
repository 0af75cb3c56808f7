import { errorResponses } from "@crm/shared/errors";
import {
  CompanyCreateSchema,
  CompanyListQuerySchema,
  CompanyPageSchema,
  CompanyPatchSchema,
  CompanySchema,
  ContactListQuerySchema,
  ContactPageSchema,
  IdParamSchema,
} from "@crm/shared/schemas";
import { createRoute } from "@hono/zod-openapi";
import { secured } from "../app/access.ts";
import { COMMON_ERRORS, crudRoutes, jsonContent } from "../app/crud.routes.ts";

const crud = crudRoutes({
  path: "/api/companies",
  tag: "Companies",
  noun: "company",
  schemas: {
    entity: CompanySchema,
    page: CompanyPageSchema,
    create: CompanyCreateSchema,
    patch: CompanyPatchSchema,
    listQuery: CompanyListQuerySchema,
  },
  writeErrors: ["duplicate"],
});

export const companyRoutes = {
  ...crud,
  remove: {
    ...crud.remove,
    summary: "Delete a company (its contacts stay, unlinked, in the same transaction)",
  },
  contacts: createRoute(
    secured("read", {
      method: "get",
      path: "/api/companies/{id}/contacts",
      tags: ["Companies", "Contacts"],
      summary: "The company's contacts (same filters as the contact list)",
      request: { params: IdParamSchema, query: ContactListQuerySchema.omit({ company: true }) },
      responses: {
        200: jsonContent(ContactPageSchema, "A page of contacts"),
        ...errorResponses("not_found", "validation_failed", ...COMMON_ERRORS),
      },
    }),
  ),
};
