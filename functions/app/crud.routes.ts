import type { Scope } from "@crm/shared/domain";
import { errorResponses } from "@crm/shared/errors";
import { IdParamSchema } from "@crm/shared/schemas";
import { createRoute } from "@hono/zod-openapi";
import type { z } from "zod";
import { secured } from "./access.ts";

export interface CrudSchemas {
  entity: z.ZodType;
  page: z.ZodType;
  create: z.ZodType;
  patch: z.ZodType;
  listQuery: z.ZodObject;
}

/** `{ description, content: { "application/json": { schema } } }` */
export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}

/** Errors any route touching the database can answer with. */
export const COMMON_ERRORS = ["database_unavailable", "internal_error"] as const;
export const BODY_ERRORS = ["bad_json", "unsupported_media_type", "validation_failed"] as const;

/**
 * The five CRUD contracts of a resource (list, get, create, patch, delete), generated once from its
 * schemas. Groups add their own special routes beside these.
 */
export function crudRoutes<const P extends `/api/${string}`, const S extends CrudSchemas>(def: {
  path: P;
  tag: string;
  noun: string;
  schemas: S;
  /** Extra error codes a create or patch can answer with (e.g. `duplicate`). */
  writeErrors?: readonly ("duplicate" | "conflict")[];
  /** Scopes needed to read (list, get) and to write (create, update, delete). */
  access?: { read: Scope; write: Scope };
}) {
  const { path, tag, noun, schemas } = def;
  const writeErrors = def.writeErrors ?? [];
  const access = def.access ?? { read: "read", write: "write" };
  return {
    list: createRoute(
      secured(access.read, {
        method: "get",
        path,
        tags: [tag],
        summary: `List ${noun}s`,
        request: { query: schemas.listQuery as S["listQuery"] },
        responses: {
          200: jsonContent(schemas.page as S["page"], `A page of ${noun}s`),
          ...errorResponses("validation_failed", ...COMMON_ERRORS),
        },
      }),
    ),
    get: createRoute(
      secured(access.read, {
        method: "get",
        path: `${path}/{id}` as `${P}/{id}`,
        tags: [tag],
        summary: `Get a ${noun}`,
        request: { params: IdParamSchema },
        responses: {
          200: jsonContent(schemas.entity as S["entity"], `The ${noun}`),
          ...errorResponses("not_found", ...COMMON_ERRORS),
        },
      }),
    ),
    create: createRoute(
      secured(access.write, {
        method: "post",
        path,
        tags: [tag],
        summary: `Create a ${noun}`,
        request: { body: jsonBody(schemas.create as S["create"]) },
        responses: {
          201: jsonContent(schemas.entity as S["entity"], `The created ${noun}`),
          ...errorResponses(...BODY_ERRORS, ...writeErrors, ...COMMON_ERRORS),
        },
      }),
    ),
    update: createRoute(
      secured(access.write, {
        method: "patch",
        path: `${path}/{id}` as `${P}/{id}`,
        tags: [tag],
        summary: `Update a ${noun} (only the fields sent; null clears an optional field)`,
        request: { params: IdParamSchema, body: jsonBody(schemas.patch as S["patch"]) },
        responses: {
          200: jsonContent(schemas.entity as S["entity"], `The updated ${noun}`),
          ...errorResponses("not_found", ...BODY_ERRORS, ...writeErrors, ...COMMON_ERRORS),
        },
      }),
    ),
    remove: createRoute(
      secured(access.write, {
        method: "delete",
        path: `${path}/{id}` as `${P}/{id}`,
        tags: [tag],
        summary: `Delete a ${noun}`,
        request: { params: IdParamSchema },
        responses: {
          204: { description: `The ${noun} was deleted` },
          ...errorResponses("not_found", ...COMMON_ERRORS),
        },
      }),
    ),
  };
}

export type CrudRoutes = ReturnType<typeof crudRoutes>;
