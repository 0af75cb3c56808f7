import { z } from "zod";
import { ROLES, SCOPES } from "../domain/access.ts";
import { PaginationQuerySchema, pageOf, RecordKeySchema, sortParam, TimestampSchema } from "./common.ts";
import { EmailSchema, NameSchema } from "./fields.ts";

export const ScopeSchema = z
  .enum(SCOPES)
  .meta({ id: "Scope", description: "`read` < `write` < `admin`: each includes the ones before it." });
export const RoleSchema = z
  .enum(ROLES)
  .meta({ id: "Role", description: "`admin` (everything), `member` (read and write), `viewer` (read)." });

/** Passwords: long enough to resist guessing, bounded so hashing cannot be abused. */
export const PasswordSchema = z
  .string()
  .min(12, "must be at least 12 characters")
  .max(200, "must be at most 200 characters")
  .meta({ format: "password" });

const FutureTimestampSchema = TimestampSchema.refine(
  (value) => Date.parse(value) > Date.now(),
  "must be in the future",
);

// ---- API keys

export const ApiKeySchema = z
  .object({
    id: RecordKeySchema,
    name: z.string(),
    prefix: z
      .string()
      .meta({ description: "The key's first characters, to recognise it.", example: "crm_Xy3kP0aQ" }),
    scopes: z.array(ScopeSchema),
    created_at: TimestampSchema,
    expires_at: TimestampSchema.nullable(),
    last_used_at: TimestampSchema.nullable().meta({ description: "Updated at most once a minute." }),
    revoked_at: TimestampSchema.nullable(),
    created_by: RecordKeySchema.nullable().meta({
      description:
        "The user the key acts for (null: made with the admin token). A key never does more than this user " +
        "currently may, and stops working when the user is disabled or deleted.",
    }),
  })
  .meta({ id: "ApiKey" });

export const ApiKeyCreateSchema = z
  .strictObject({
    name: NameSchema.meta({ example: "Zapier sync" }),
    scopes: z
      .array(ScopeSchema)
      .min(1)
      .max(3)
      .overwrite((scopes) => [...new Set(scopes)])
      .meta({ example: ["read"] }),
    expires_at: FutureTimestampSchema.optional().meta({
      description: "When the key stops working (default: never).",
    }),
  })
  .meta({ id: "ApiKeyCreate" });

export const ApiKeyCreatedSchema = ApiKeySchema.extend({
  secret: z.string().meta({ description: "The key itself. Shown only in this response: store it now." }),
}).meta({ id: "ApiKeyCreated" });

export const ApiKeyListQuerySchema = PaginationQuerySchema.extend({
  sort: sortParam(["created_at", "name"] as const, "-created_at"),
});

export const ApiKeyPageSchema = pageOf(ApiKeySchema, "ApiKey");

// ---- Users

export const UserSchema = z
  .object({
    id: RecordKeySchema,
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    disabled: z.boolean(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
    last_login_at: TimestampSchema.nullable(),
  })
  .meta({ id: "User" });

export const UserCreateSchema = z
  .strictObject({
    email: EmailSchema,
    name: NameSchema,
    role: RoleSchema.default("member"),
    password: PasswordSchema,
  })
  .meta({ id: "UserCreate" });

export const UserPatchSchema = z
  .strictObject({
    name: NameSchema.optional(),
    role: RoleSchema.optional(),
    disabled: z
      .boolean()
      .optional()
      .meta({ description: "A disabled user cannot log in; their sessions stop working." }),
    password: PasswordSchema.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: "send at least one field to change" })
  .meta({ id: "UserPatch" });

export const UserListQuerySchema = PaginationQuerySchema.extend({
  role: RoleSchema.optional(),
  sort: sortParam(["created_at", "email", "name"] as const, "email"),
});

export const UserPageSchema = pageOf(UserSchema, "User");

// ---- Sessions

export const LoginSchema = z
  .strictObject({
    email: z.string().max(1000).trim().toLowerCase().meta({ example: "founder@example.com" }),
    password: z.string().min(1).max(200),
  })
  .meta({ id: "Login" });

export const LoginResultSchema = z
  .object({
    token: z.string().meta({ description: "Send as `Authorization: Bearer <token>`." }),
    token_type: z.literal("Bearer"),
    expires_at: TimestampSchema,
    user: UserSchema,
  })
  .meta({ id: "LoginResult" });

export const PrincipalSchema = z
  .object({
    kind: z.enum(["user", "api_key", "admin_token"]),
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    role: RoleSchema.nullable(),
    scopes: z.array(ScopeSchema).meta({ description: "Everything this credential may do." }),
    expires_at: TimestampSchema.nullable(),
  })
  .meta({ id: "Principal" });

export type ApiKey = z.infer<typeof ApiKeySchema>;
export type ApiKeyCreate = z.infer<typeof ApiKeyCreateSchema>;
export type ApiKeyCreated = z.infer<typeof ApiKeyCreatedSchema>;
export type ApiKeyListQuery = z.infer<typeof ApiKeyListQuerySchema>;
export type User = z.infer<typeof UserSchema>;
export type UserCreate = z.infer<typeof UserCreateSchema>;
export type UserPatch = z.infer<typeof UserPatchSchema>;
export type UserListQuery = z.infer<typeof UserListQuerySchema>;
export type Login = z.infer<typeof LoginSchema>;
export type LoginResult = z.infer<typeof LoginResultSchema>;
export type Principal = z.infer<typeof PrincipalSchema>;
