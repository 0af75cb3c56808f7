import { AppError } from "../errors/index.ts";

/**
 * Opaque keyset cursors: the sort field, the last row's sort value and its key, base64url-encoded.
 * A cursor only makes sense with the sort it was made for; anything else is a validation error.
 */
export interface CursorPosition {
  sort: string;
  value: string | number;
  key: string;
}

export function encodeCursor(position: CursorPosition): string {
  const json = JSON.stringify([position.sort, position.value, position.key]);
  return btoa(String.fromCharCode(...new TextEncoder().encode(json)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export function decodeCursor(cursor: string, sort: string): CursorPosition {
  const invalid = () =>
    AppError.invalidField("cursor", "is not a cursor from this list (or the sort changed)");
  let parsed: unknown;
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid();
  const [cursorSort, value, key] = parsed as unknown[];
  if (cursorSort !== sort || typeof key !== "string") throw invalid();
  const finite =
    typeof value === "number" && Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER;
  if (typeof value !== "string" && !finite) throw invalid();
  return { sort: cursorSort, value: value as string | number, key };
}
