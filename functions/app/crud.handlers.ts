import type { Page, Repositories } from "@crm/shared/db";
import { AppError } from "@crm/shared/errors";
import type { Context } from "hono";
import type { CrudRoutes } from "./crud.routes.ts";
import type { AppEnv, GroupApp } from "./factory.ts";

/** What a repository must offer to be served by the generic CRUD handlers. */
export interface CrudRepository<E> {
  list(query: never): Promise<Page<E>>;
  require(key: string): Promise<E>;
  create(input: never): Promise<E>;
  update(key: string, patch: never): Promise<E>;
  remove(key: string): Promise<boolean>;
}

type Valid = { req: { valid(target: "json" | "query" | "param"): unknown } };

/** What a resource adds to the generic CRUD handlers. */
export interface CrudHooks<E> {
  /** Replaces the repository's create (server-made fields, extra checks); its result is the 201 body. */
  create?: (c: Context<AppEnv>, input: never) => Promise<unknown>;
  /** Replaces the repository's update (changes with side effects to announce); its result is the 200 body. */
  update?: (c: Context<AppEnv>, key: string, patch: never) => Promise<unknown>;
  /** Checks a patch before the repository sees it. */
  beforeUpdate?: (c: Context<AppEnv>, patch: never) => Promise<void> | void;
  /** After a successful create or update (e.g. notify webhook subscribers). */
  afterCreate?: (c: Context<AppEnv>, entity: E) => Promise<void>;
  afterUpdate?: (c: Context<AppEnv>, entity: E) => Promise<void>;
}

/**
 * Wires the five CRUD contracts to a repository. The route objects carry the types into the app's
 * schema (and so into the typed client); the handlers themselves are the same for every resource.
 */
export function withCrud<A extends GroupApp, R extends CrudRoutes, E>(
  app: A,
  routes: R,
  /** The repository (or an adapter over it that needs the request, e.g. for public URLs). */
  pick: (repositories: Repositories, c: Context<AppEnv>) => CrudRepository<E>,
  noun: string,
  hooks: CrudHooks<E> = {},
) {
  const repo = async (c: Context) => pick(await c.var.services.repositories(), c as Context<AppEnv>);
  const valid = (c: Context, target: "json" | "query" | "param") =>
    (c as unknown as Valid).req.valid(target) as never;
  const idOf = (c: Context) => (valid(c, "param") as { id: string }).id;

  return app
    .openapi(routes.list, (async (c: Context) =>
      c.json(await (await repo(c)).list(valid(c, "query")), 200)) as never)
    .openapi(routes.get, (async (c: Context) => c.json(await (await repo(c)).require(idOf(c)), 200)) as never)
    .openapi(routes.create, (async (c: Context<AppEnv>) => {
      if (hooks.create) return c.json(await hooks.create(c, valid(c, "json")), 201);
      const created = await (await repo(c)).create(valid(c, "json"));
      await hooks.afterCreate?.(c, created);
      return c.json(created, 201);
    }) as never)
    .openapi(routes.update, (async (c: Context<AppEnv>) => {
      await hooks.beforeUpdate?.(c, valid(c, "json"));
      if (hooks.update) return c.json(await hooks.update(c, idOf(c), valid(c, "json")), 200);
      const updated = await (await repo(c)).update(idOf(c), valid(c, "json"));
      await hooks.afterUpdate?.(c, updated);
      return c.json(updated, 200);
    }) as never)
    .openapi(routes.remove, (async (c: Context) => {
      const removed = await (await repo(c)).remove(idOf(c));
      if (!removed) throw AppError.notFound(noun, idOf(c));
      return c.body(null, 204);
    }) as never);
}
