/**
 * Just enough CBOR to re-frame RPC messages without decoding their payloads.
 *
 * The local server only needs to read an RPC request's top-level keys (`id`, `method`, `session`) and
 * to wrap the engine's result as `{ id, result }`. Re-encoding whole payloads through a JavaScript
 * codec would change them (a float `1.0` becomes the integer `1`), so values are copied as raw byte
 * slices and only the few keys the server reads are decoded.
 */

const BREAK = 0xff;

/** Returns the offset just past the CBOR data item that starts at `offset`. */
export function skipItem(bytes: Uint8Array, offset: number): number {
  const initial = byteAt(bytes, offset);
  const major = initial >> 5;
  const info = initial & 0x1f;
  let pos = offset + 1;

  if (info === 31) {
    // Indefinite length: items (or key/value pairs, or chunks) until the break byte.
    if (major < 2 || major === 6) throw new CborFrameError("indefinite length on a type that forbids it");
    if (major === 7) throw new CborFrameError("unexpected break");
    while (byteAt(bytes, pos) !== BREAK) {
      pos = skipItem(bytes, pos);
      if (major === 5) pos = skipItem(bytes, pos);
    }
    return pos + 1;
  }

  const { value, next } = readArgument(bytes, offset, info);
  pos = next;
  switch (major) {
    case 0:
    case 1:
      return pos;
    case 2:
    case 3:
      return checkedEnd(bytes, pos + value);
    case 4:
      for (let i = 0; i < value; i++) pos = skipItem(bytes, pos);
      return pos;
    case 5:
      for (let i = 0; i < value * 2; i++) pos = skipItem(bytes, pos);
      return pos;
    case 6:
      return skipItem(bytes, pos);
    default:
      // Major type 7: simple values and floats; their size is fully described by the argument.
      return pos;
  }
}

/**
 * Reads a top-level CBOR map whose keys are text strings, returning each value as its raw bytes.
 * Returns `undefined` when the message is not such a map.
 */
export function readTextKeyedMap(bytes: Uint8Array): Map<string, Uint8Array> | undefined {
  if (bytes.length === 0) return undefined;
  const initial = byteAt(bytes, 0);
  if (initial >> 5 !== 5) return undefined;
  const info = initial & 0x1f;
  const entries = new Map<string, Uint8Array>();
  let pos: number;
  let remaining: number;
  if (info === 31) {
    pos = 1;
    remaining = Number.POSITIVE_INFINITY;
  } else {
    const arg = readArgument(bytes, 0, info);
    pos = arg.next;
    remaining = arg.value;
  }
  while (remaining > 0) {
    if (remaining === Number.POSITIVE_INFINITY && byteAt(bytes, pos) === BREAK) {
      pos += 1;
      break;
    }
    const keyEnd = skipItem(bytes, pos);
    const key = decodeText(bytes.subarray(pos, keyEnd));
    const valueEnd = skipItem(bytes, keyEnd);
    if (key === undefined) return undefined;
    entries.set(key, bytes.subarray(keyEnd, valueEnd));
    pos = valueEnd;
    remaining -= 1;
  }
  if (pos !== bytes.length) return undefined;
  return entries;
}

/** Decodes a definite-length CBOR text string item, or returns undefined for anything else. */
export function decodeText(item: Uint8Array): string | undefined {
  const initial = item[0];
  if (initial === undefined || initial >> 5 !== 3 || (initial & 0x1f) === 31) return undefined;
  const { value, next } = readArgument(item, 0, initial & 0x1f);
  return new TextDecoder("utf-8", { fatal: true }).decode(item.subarray(next, next + value));
}

/** Encodes a map from text keys to already-encoded CBOR values, preserving their order. */
export function encodeTextKeyedMap(entries: ReadonlyArray<readonly [string, Uint8Array]>): Uint8Array {
  const parts: Uint8Array[] = [encodeHeader(5, entries.length)];
  for (const [key, value] of entries) {
    parts.push(encodeText(key), value);
  }
  return concat(parts);
}

/** Encodes an array of already-encoded CBOR values. */
export function encodeArray(items: ReadonlyArray<Uint8Array>): Uint8Array {
  return concat([encodeHeader(4, items.length), ...items]);
}

export function encodeText(text: string): Uint8Array {
  const utf8 = new TextEncoder().encode(text);
  return concat([encodeHeader(3, utf8.length), utf8]);
}

export class CborFrameError extends Error {
  override name = "CborFrameError";
}

function encodeHeader(major: number, length: number): Uint8Array {
  const type = major << 5;
  if (length < 24) return Uint8Array.of(type | length);
  if (length < 0x100) return Uint8Array.of(type | 24, length);
  if (length < 0x10000) return Uint8Array.of(type | 25, length >> 8, length & 0xff);
  const out = new Uint8Array(5);
  out[0] = type | 26;
  new DataView(out.buffer).setUint32(1, length);
  return out;
}

function readArgument(bytes: Uint8Array, offset: number, info: number): { value: number; next: number } {
  if (info < 24) return { value: info, next: offset + 1 };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = offset + 1;
  switch (info) {
    case 24:
      checkedEnd(bytes, start + 1);
      return { value: view.getUint8(start), next: start + 1 };
    case 25:
      checkedEnd(bytes, start + 2);
      return { value: view.getUint16(start), next: start + 2 };
    case 26:
      checkedEnd(bytes, start + 4);
      return { value: view.getUint32(start), next: start + 4 };
    case 27: {
      checkedEnd(bytes, start + 8);
      // For integers, doubles and tag numbers the argument is the value itself and may exceed 2^53;
      // only lengths need it as a number, and a length that large can only mean truncated input.
      const big = view.getBigUint64(start);
      return {
        value: big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(big),
        next: start + 8,
      };
    }
    default:
      throw new CborFrameError(`reserved additional information ${info}`);
  }
}

function byteAt(bytes: Uint8Array, offset: number): number {
  const value = bytes[offset];
  if (value === undefined) throw new CborFrameError("truncated CBOR data");
  return value;
}

function checkedEnd(bytes: Uint8Array, end: number): number {
  if (end > bytes.length) throw new CborFrameError("truncated CBOR data");
  return end;
}

function concat(parts: ReadonlyArray<Uint8Array>): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
