// Key ordering and encoding shared by both backends. etcd orders keys by their UTF-8
// bytes; JavaScript's `<` orders by UTF-16 code units, which disagrees when a character
// above U+FFFF (a surrogate pair) meets one in U+E000..U+FFFF. Comparing by code point is
// the same order as comparing UTF-8 bytes, without encoding anything.

/** Orders well-formed strings as etcd orders their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// Surrogates (U+D800..U+DFFF) stand for code points above U+FFFF, so they must rank above
// U+E000..U+FFFF: shift them up by 0x2000 and the others down by 0x800.
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** False when the string holds a lone surrogate (it has no UTF-8 encoding). */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/**
 * etcd's range end for "every key starting with `prefix`": the prefix with its last
 * byte below 0xff incremented (trailing 0xff bytes dropped); `[0]` means "to the end of
 * the keyspace", which is also how an empty prefix (every key) is expressed.
 */
export function prefixRange(prefix: string): { key: Buffer; rangeEnd: Buffer } {
  if (prefix === "") return { key: Buffer.from([0]), rangeEnd: Buffer.from([0]) };
  const key = Buffer.from(prefix, "utf8");
  const end = Buffer.from(key);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return { key, rangeEnd: end.subarray(0, i + 1) };
    }
  }
  return { key, rangeEnd: Buffer.from([0]) };
}
