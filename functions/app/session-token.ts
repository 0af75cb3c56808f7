import { sign, verify } from "hono/jwt";

/**
 * Session tokens: short-lived HS256 JWTs (Hono's JWT helpers) naming the user and the session row.
 * The signature and expiry are checked here; the session row decides whether it is still honoured.
 */
export interface SessionClaims {
  userKey: string;
  sessionKey: string;
}

export function issueSessionToken(claims: SessionClaims & { role: string }, secret: string, expiresAt: Date) {
  const now = Math.floor(Date.now() / 1000);
  return sign(
    {
      sub: claims.userKey,
      sid: claims.sessionKey,
      role: claims.role,
      iat: now,
      nbf: now,
      exp: Math.floor(expiresAt.getTime() / 1000),
    },
    secret,
    "HS256",
  );
}

/** The claims of a valid token, or undefined for anything forged, expired, malformed or not ours. */
export async function readSessionToken(token: string, secret: string): Promise<SessionClaims | undefined> {
  try {
    const payload = await verify(token, secret, { alg: "HS256" });
    if (typeof payload.sub !== "string" || typeof payload.sid !== "string") return undefined;
    return { userKey: payload.sub, sessionKey: payload.sid };
  } catch {
    return undefined;
  }
}
