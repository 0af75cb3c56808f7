import { bytesEqual, fromBase64Url, randomBytes, toBase64Url } from "./encoding.ts";

/**
 * Password hashing with PBKDF2-SHA256 from WebCrypto, the slow salted KDF Workers provide. Workers
 * cap PBKDF2 at 100,000 iterations, so that is the cost used; the stored string records it, so a
 * later increase re-hashes on the next login instead of breaking old hashes.
 *
 * Stored form: `pbkdf2-sha256$<iterations>$<salt, base64url>$<hash, base64url>`.
 */
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, iterations);
  return `pbkdf2-sha256$${iterations}$${toBase64Url(salt)}$${toBase64Url(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterationText, saltText, hashText] = stored.split("$");
  const iterations = Number(iterationText);
  if (
    scheme !== "pbkdf2-sha256" ||
    !saltText ||
    !hashText ||
    !Number.isInteger(iterations) ||
    iterations < 1
  ) {
    return false;
  }
  const expected = fromBase64Url(hashText);
  const actual = await derive(password, fromBase64Url(saltText), iterations);
  return bytesEqual(actual, expected);
}

/** Whether a stored hash was made with fewer iterations than today's cost. */
export function needsRehash(stored: string): boolean {
  return Number(stored.split("$")[1]) < PBKDF2_ITERATIONS;
}

async function derive(
  password: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    HASH_BITS,
  );
  return new Uint8Array(bits);
}
