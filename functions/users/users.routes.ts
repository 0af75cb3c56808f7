import {
  UserCreateSchema,
  UserListQuerySchema,
  UserPageSchema,
  UserPatchSchema,
  UserSchema,
} from "@crm/shared/schemas";
import { crudRoutes } from "../app/crud.routes.ts";

/** Dashboard users, managed by admins (the CRUD contracts, all needing the admin scope). */
export const userRoutes = crudRoutes({
  path: "/api/users",
  tag: "Users",
  noun: "user",
  schemas: {
    entity: UserSchema,
    page: UserPageSchema,
    create: UserCreateSchema,
    patch: UserPatchSchema,
    listQuery: UserListQuerySchema,
  },
  writeErrors: ["duplicate", "conflict"],
  access: { read: "admin", write: "admin" },
});
