import { randomBytes, sha256Hex, toBase64Url } from "./encoding.ts";

/**
 * API key secrets: `crm_` + 32 random bytes (base64url). Only their SHA-256 is stored: a key has 256
 * bits of entropy, so a fast hash is enough (no one can guess their way to a preimage), and lookups
 * by hash stay one indexed read. The first 12 characters are kept in clear to recognise a key.
 */
export const API_KEY_PREFIX = "crm_";
const PREFIX_LENGTH = 12;

export interface NewApiKeySecret {
  secret: string;
  prefix: string;
  hash: string;
}

export async function newApiKeySecret(): Promise<NewApiKeySecret> {
  const secret = `${API_KEY_PREFIX}${toBase64Url(randomBytes(32))}`;
  return { secret, prefix: secret.slice(0, PREFIX_LENGTH), hash: await hashApiKey(secret) };
}

export function hashApiKey(secret: string): Promise<string> {
  return sha256Hex(secret);
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX) && /^[A-Za-z0-9_-]{20,100}$/.test(token);
}
