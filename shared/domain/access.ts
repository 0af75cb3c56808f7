/**
 * Who may do what (pure rules). Scopes are what a credential grants; roles are how users map to
 * scopes. Scopes are nested: `admin` includes `write`, and `write` includes `read`.
 */
export const SCOPES = ["read", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

export const ROLES = ["admin", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

/** What each user role may do: admins everything, members read and write, viewers read. */
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  admin: ["read", "write", "admin"],
  member: ["read", "write"],
  viewer: ["read"],
};

/** Every scope a set of granted scopes amounts to, lowest first. */
export function effectiveScopes(granted: readonly Scope[]): Scope[] {
  const top = Math.max(0, ...granted.map((scope) => RANK[scope]));
  return SCOPES.filter((scope) => RANK[scope] <= top);
}

export function allows(granted: readonly Scope[], required: Scope): boolean {
  return granted.some((scope) => RANK[scope] >= RANK[required]);
}
