import { CborCodec, RecordId, Uuid } from "surrealdb";
import { describe, expect, it } from "vitest";
import {
  CborFrameError,
  decodeText,
  encodeArray,
  encodeText,
  encodeTextKeyedMap,
  readTextKeyedMap,
  skipItem,
} from "./cbor-frame.ts";

const codec = CborCodec.DEFAULT;

/** Bytes from hex, spaces allowed: `bytes("a1 61 61 01")`. */
function bytes(hexText: string): Uint8Array {
  const clean = hexText.replace(/\s+/g, "");
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new Error(`bad hex: ${hexText}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function hex(data: Uint8Array): string {
  return Array.from(data, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** `n` bytes of filler, for long strings. */
function filler(n: number): string {
  return "ab".repeat(n);
}

/** The map's entries with each value as hex, in order. */
function entriesAsHex(map: Map<string, Uint8Array> | undefined): Array<[string, string]> | undefined {
  return map && [...map].map(([key, value]) => [key, hex(value)]);
}

describe("encodeText / decodeText", () => {
  it.each([
    ["", "60"],
    ["id", "626964"],
    ["héllo", "6668c3a96c6c6f"],
    ["x".repeat(23), `77${"78".repeat(23)}`],
    ["x".repeat(24), `7818${"78".repeat(24)}`],
    ["x".repeat(256), `790100${"78".repeat(256)}`],
  ])("encodes %j as the shortest text header", (text, expected) => {
    expect(hex(encodeText(text))).toBe(expected);
    expect(decodeText(encodeText(text))).toBe(text);
  });

  it("uses a 4-byte length from 65536 bytes and agrees with the SDK codec", () => {
    const text = "é".repeat(40_000); // 80000 UTF-8 bytes
    const encoded = encodeText(text);
    expect(hex(encoded.subarray(0, 5))).toBe("7a00013880");
    expect(hex(encoded)).toBe(hex(codec.encode(text)));
    expect(decodeText(encoded)).toBe(text);
  });

  it("decodes texts encoded by the SDK codec", () => {
    for (const text of ["method", "Zoë 王 🚀", "x".repeat(300)]) {
      expect(decodeText(codec.encode(text))).toBe(text);
    }
  });

  it.each([
    ["an empty slice", ""],
    ["an integer", "01"],
    ["a byte string", "43616263"],
    ["an array", "8161 61"],
    ["an indefinite-length text", "7f616161 62ff"],
    ["a tagged text", "c0 6161"],
  ])("returns undefined for %s", (_label, item) => {
    expect(decodeText(bytes(item))).toBeUndefined();
  });

  it("throws on invalid UTF-8", () => {
    expect(() => decodeText(bytes("62c328"))).toThrow();
  });
});

describe("encodeTextKeyedMap / readTextKeyedMap", () => {
  it("round-trips keys in order with their raw values", () => {
    const entries: Array<[string, Uint8Array]> = [
      ["id", codec.encode(7)],
      ["method", codec.encode("query")],
      ["params", codec.encode(["SELECT * FROM $tb", { tb: "contact" }])],
    ];
    const frame = encodeTextKeyedMap(entries);
    expect(frame[0]).toBe(0xa3);
    expect(entriesAsHex(readTextKeyedMap(frame))).toEqual(entries.map(([key, value]) => [key, hex(value)]));
    expect(codec.decode(frame)).toEqual({
      id: 7,
      method: "query",
      params: ["SELECT * FROM $tb", { tb: "contact" }],
    });
  });

  it("encodes the empty map", () => {
    expect(hex(encodeTextKeyedMap([]))).toBe("a0");
    expect(readTextKeyedMap(bytes("a0"))).toEqual(new Map());
  });

  it.each([
    [23, "b7"],
    [24, "b818"],
    [300, "b9012c"],
  ])("writes the header for %d entries (%s) and reads them all back", (count, header) => {
    const entries = Array.from({ length: count }, (_, i) => [`k${i}`, codec.encode(i)] as const);
    const frame = encodeTextKeyedMap(entries);
    expect(hex(frame).startsWith(header)).toBe(true);
    const map = readTextKeyedMap(frame);
    expect(map?.size).toBe(count);
    expect([...(map?.keys() ?? [])]).toEqual(entries.map(([key]) => key));
    expect(hex(map?.get(`k${count - 1}`) ?? new Uint8Array())).toBe(hex(codec.encode(count - 1)));
  });

  it.each([
    ["half", "f93c00"],
    ["single", "fa3f800000"],
    ["double", "fb3ff0000000000000"],
  ])("keeps a float 1.0 encoded as %s byte-for-byte", (_width, value) => {
    const frame = encodeTextKeyedMap([["result", bytes(value)]]);
    const map = readTextKeyedMap(frame);
    expect(hex(map?.get("result") ?? new Uint8Array())).toBe(value);
    // Decoded and re-encoded through the codec it would become the integer 1 (0x01).
    expect(codec.decode<{ result: number }>(frame).result).toBe(1);
    expect(hex(codec.encode(codec.decode<{ result: number }>(frame)))).not.toContain(value);
  });

  it("reads a map encoded by the SDK codec, with SurrealDB tagged values", () => {
    const uuid = new Uuid("01890f5c-8d2b-7000-8000-000000000000");
    const record = new RecordId("contact", "abc");
    const message = { id: 1, method: "select", params: [record, uuid, 1.5, -3, null, true] };
    const frame = codec.encode(message);
    const map = readTextKeyedMap(frame);
    expect([...(map?.keys() ?? [])]).toEqual(["id", "method", "params"]);
    expect(decodeText(map?.get("method") ?? new Uint8Array())).toBe("select");
    const params = codec.decode<unknown[]>(map?.get("params") ?? new Uint8Array());
    expect(params).toHaveLength(6);
    expect(params[0]).toEqual(record);
    expect(String(params[1])).toBe(uuid.toString());
    expect(params.slice(2)).toEqual([1.5, -3, null, true]);
  });

  it("reads a map holding a 64-bit float and a 64-bit integer", () => {
    // {"a": 0.1, "b": 2^60}: doubles and large integers carry 8-byte arguments that are not lengths.
    const frame = codec.encode({ a: 0.1, b: 2n ** 60n });
    expect(entriesAsHex(readTextKeyedMap(frame))).toEqual([
      ["a", "fb3fb999999999999a"],
      ["b", "1b1000000000000000"],
    ]);
  });

  it("reads an indefinite-length map", () => {
    expect(entriesAsHex(readTextKeyedMap(bytes("bf 626964 01 66726573756c74 9f01ff ff")))).toEqual([
      ["id", "01"],
      ["result", "9f01ff"],
    ]);
  });

  it("reads values that are raw slices of the input", () => {
    const frame = bytes("a2 6161 820102 6162 f6");
    const map = readTextKeyedMap(frame);
    expect(entriesAsHex(map)).toEqual([
      ["a", "820102"],
      ["b", "f6"],
    ]);
    expect(map?.get("a")?.buffer).toBe(frame.buffer);
  });

  it.each([
    ["empty input", ""],
    ["an array", "8101"],
    ["a text", "626964"],
    ["an integer", "01"],
    ["a tagged map", "d9d9f7 a16161 01"],
    ["a map with an integer key", "a1 01 02"],
    ["a map with a byte-string key", "a1 4161 02"],
    ["a map with an indefinite-length text key", "a1 7f6161ff 02"],
    ["a map followed by more data", "a1 6161 01 00"],
    ["two maps", "a0 a0"],
  ])("returns undefined for %s", (_label, input) => {
    expect(readTextKeyedMap(bytes(input))).toBeUndefined();
  });

  it.each([
    ["a map missing an entry", "a2 6161 01"],
    ["a map missing a value", "a1 6161"],
    ["a truncated key", "a1 6369"],
    ["a truncated value", "a1 6161 43 0102"],
    ["a missing length byte", "b8"],
    ["an indefinite map without its break", "bf 6161 01"],
    ["a break in place of a value", "bf 6161 ff"],
  ])("throws CborFrameError on %s", (_label, input) => {
    expect(() => readTextKeyedMap(bytes(input))).toThrow(CborFrameError);
  });
});

describe("encodeArray", () => {
  it("wraps already-encoded items", () => {
    const items = [codec.encode(1), codec.encode("a"), bytes("f93c00")];
    const encoded = encodeArray(items);
    expect(hex(encoded)).toBe("83016161f93c00");
    expect(skipItem(encoded, 0)).toBe(encoded.length);
    expect(hex(encodeArray([]))).toBe("80");
  });

  it("uses a 1-byte length from 24 items", () => {
    const encoded = encodeArray(Array.from({ length: 24 }, () => bytes("f6")));
    expect(hex(encoded.subarray(0, 2))).toBe("9818");
    expect(codec.decode(encoded)).toEqual(Array.from({ length: 24 }, () => null));
  });
});

describe("skipItem", () => {
  describe("definite items of every major type and argument size", () => {
    it.each([
      // major 0: unsigned integers, arguments inline and in 1, 2, 4 and 8 bytes
      ["0 inline", "00"],
      ["23 inline", "17"],
      ["24 (1 byte)", "1818"],
      ["256 (2 bytes)", "190100"],
      ["65536 (4 bytes)", "1a00010000"],
      ["2^32 (8 bytes)", "1b0000000100000000"],
      ["2^53 - 1 (8 bytes)", "1b001fffffffffffff"],
      // major 1: negative integers
      ["-1", "20"],
      ["-256 (1 byte)", "38ff"],
      ["-257 (2 bytes)", "390100"],
      ["-65537 (4 bytes)", "3a00010000"],
      ["-2^32 - 1 (8 bytes)", "3b0000000100000000"],
      // major 2: byte strings
      ["empty bytes", "40"],
      ["3 bytes", "43010203"],
      ["24 bytes (1-byte length)", `5818${filler(24)}`],
      ["256 bytes (2-byte length)", `590100${filler(256)}`],
      ["256 bytes (4-byte length)", `5a00000100${filler(256)}`],
      ["2 bytes (8-byte length)", "5b0000000000000002abab"],
      // major 3: text strings
      ["empty text", "60"],
      ["text 'abc'", "63616263"],
      ["text of 24 bytes", `7818${filler(24)}`],
      ["text with a 2-byte length", `790003616263`],
      ["text with a 4-byte length", `7a00000003616263`],
      ["text with an 8-byte length", `7b0000000000000003616263`],
      // major 4: arrays
      ["empty array", "80"],
      ["[1, 2, 3]", "83010203"],
      ["[1, [2, 3]]", "8201820203"],
      ["array of 24 (1-byte count)", `9818${"00".repeat(24)}`],
      ["array with a 2-byte count", "99000201 02"],
      // major 5: maps
      ["empty map", "a0"],
      ["{1: 2}", "a10102"],
      ["{'a': {'b': []}}", "a16161a1616280"],
      ["map with a 1-byte count", "b801 0102"],
      // major 6: tags
      ["tag 0 (datetime string)", "c074323032362d30312d33315430393a33303a30305a"],
      ["tag 6 NONE", "c6f6"],
      ["tag 37 uuid", "d82550 01890f5c8d2b70008000000000000000"],
      ["tag 8 record id", "c8 82 67636f6e74616374 63616263"],
      ["tag with a 2-byte number", "d90100 01"],
      ["tag with a 4-byte number", "da00010000 01"],
      ["tag with an 8-byte number", "db0000000000000025 01"],
      ["nested tags", "c1c1c100"],
      // major 7: simple values and floats
      ["false", "f4"],
      ["true", "f5"],
      ["null", "f6"],
      ["undefined", "f7"],
      ["simple value in 1 byte", "f820"],
      ["half float 1.0", "f93c00"],
      ["single float 1.0", "fa3f800000"],
      ["double with a small bit pattern", "fb0000000000000001"],
    ])("%s", (_label, item) => {
      const encoded = bytes(item);
      expect(skipItem(encoded, 0)).toBe(encoded.length);
      // And the same item found in the middle of a message: [0, item] followed by null.
      const framed = concat(bytes("82 00"), encoded, bytes("f6"));
      expect(skipItem(framed, 2)).toBe(2 + encoded.length);
      expect(skipItem(framed, 0)).toBe(framed.length - 1);
    });
  });

  describe("items with 8-byte arguments that are values, not lengths", () => {
    it.each([
      ["double 1.0", "fb3ff0000000000000"],
      ["double 0.1", "fb3fb999999999999a"],
      ["double -2.5", "fbc004000000000000"],
      ["2^53 (beyond the safe integers)", "1b0020000000000000"],
      ["2^64 - 1", "1bffffffffffffffff"],
      ["-2^63 (the smallest SurrealDB int)", "3b7fffffffffffffff"],
      ["a tag with a large number", "dbffffffffffffffff 01"],
    ])("skips %s", (_label, item) => {
      const encoded = bytes(item);
      expect(skipItem(encoded, 0)).toBe(encoded.length);
    });
  });

  describe("indefinite-length items", () => {
    it.each([
      ["byte string in chunks", "5f 420102 4103 ff"],
      ["byte string with no chunks", "5fff"],
      ["text in chunks", "7f 6161 6162 ff"],
      ["array", "9f 01 02 03 ff"],
      ["empty array", "9fff"],
      ["nested arrays", "9f 9f 01 ff 82 02 9fff ff"],
      ["map", "bf 6161 01 6162 9f02ff ff"],
      ["empty map", "bfff"],
      ["array inside a definite map", "a1 6161 9f 01 ff"],
    ])("%s", (_label, item) => {
      const encoded = bytes(item);
      expect(skipItem(encoded, 0)).toBe(encoded.length);
      expect(skipItem(concat(encoded, bytes("00")), 0)).toBe(encoded.length);
    });
  });

  it("agrees with the SDK codec on the length of everything it encodes", () => {
    const values: unknown[] = [
      0,
      -1,
      1_000_000,
      2 ** 40,
      1.5,
      -0.25,
      Math.PI,
      2n ** 62n,
      "text",
      "x".repeat(70_000),
      new Uint8Array([1, 2, 3]),
      [],
      [1, [2, [3, [4]]]],
      {},
      { nested: { list: [true, false, null], n: 42 } },
      new RecordId("contact", "abc"),
      new RecordId("contact", ["a", 1]),
      new Uuid("01890f5c-8d2b-7000-8000-000000000000"),
      new Date("2026-01-31T09:30:00.000Z"),
      undefined,
      null,
      12_345_678_901_234n,
    ];
    for (const value of values) {
      const encoded = codec.encode(value);
      expect(skipItem(encoded, 0)).toBe(encoded.length);
      expect(skipItem(concat(encoded, encoded), 0)).toBe(encoded.length);
    }
  });

  it.each([
    ["empty input", ""],
    ["a missing 1-byte argument", "18"],
    ["a short 2-byte argument", "1901"],
    ["a short 4-byte argument", "1a000100"],
    ["a short 8-byte argument", "1b00000000"],
    ["a short byte string", "430102"],
    ["a short text", "63 6162"],
    ["an array missing items", "830102"],
    ["a map missing a value", "a20102 03"],
    ["a tag without content", "c6"],
    ["a tag with a truncated number", "d8"],
    ["a short half float", "f93c"],
    ["a short double", "fb3ff0"],
    ["an indefinite array without a break", "9f 01 02"],
    ["an indefinite byte string without a break", "5f 4101"],
    ["an indefinite map without a break", "bf 6161 01"],
  ])("throws CborFrameError on %s", (_label, input) => {
    expect(() => skipItem(bytes(input), 0)).toThrow(CborFrameError);
  });

  it.each([
    ["a lone break", "ff", /unexpected break/],
    ["indefinite length on an unsigned integer", "1f", /indefinite/],
    ["indefinite length on a negative integer", "3f", /indefinite/],
    ["indefinite length on a tag", "df 00", /indefinite/],
    ["reserved additional information 28", "1c", /reserved/],
    ["reserved additional information 30 in a simple value", "fe", /reserved/],
    ["a length beyond the safe integers", "5b0020000000000000", /truncated/],
  ])("throws CborFrameError on %s", (_label, input, message) => {
    expect(() => skipItem(bytes(input), 0)).toThrow(CborFrameError);
    expect(() => skipItem(bytes(input), 0)).toThrow(message);
  });

  it("throws when the offset is past the end", () => {
    expect(() => skipItem(bytes("00"), 1)).toThrow(CborFrameError);
  });

  it("names its errors CborFrameError", () => {
    const error = new CborFrameError("x");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("CborFrameError");
  });
});
