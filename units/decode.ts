// Bytes → text for unit files read from disk or the network. Unit files are UTF-8
// (systemd refuses assignments that are not UTF-8 clean); anything with a NUL byte or
// an invalid UTF-8 sequence is binary and refused whole, with the line it starts on.
import { fail, ok, type Result } from "./problems";
import { FILE_MAX_BYTES } from "./syntax";

export function decodeUnitBytes(bytes: Uint8Array, file = "<input>"): Result<string> {
  if (bytes.length > FILE_MAX_BYTES) {
    return fail({
      code: "file-too-large",
      file,
      line: 0,
      text: "",
      message: `the file is ${bytes.length} bytes; unit files may be at most ${FILE_MAX_BYTES} bytes`,
    });
  }
  const nul = bytes.indexOf(0);
  const bad = nul >= 0 ? nul : firstInvalidUtf8(bytes);
  if (bad >= 0) {
    return fail({
      code: "binary-content",
      file,
      line: lineAt(bytes, bad),
      text: hexAround(bytes, bad),
      message:
        nul >= 0
          ? `byte ${bad} is NUL; unit files are UTF-8 text`
          : `byte ${bad} starts an invalid UTF-8 sequence; unit files are UTF-8 text`,
    });
  }
  const text = new TextDecoder("utf-8").decode(bytes);
  return ok(text);
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > b.length) return i;
    for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    const c1 = b[i + 1]!;
    // Overlong 3/4-byte forms, UTF-16 surrogates and code points above U+10FFFF.
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) {
      return i;
    }
    i += n;
  }
  return -1;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    const c = bytes[i];
    if (c === 0x0a || (c === 0x0d && bytes[i + 1] !== 0x0a)) line++;
  }
  return line;
}

function hexAround(bytes: Uint8Array, offset: number): string {
  const from = Math.max(0, offset - 8);
  const slice = Array.from(bytes.subarray(from, Math.min(bytes.length, offset + 8)));
  return slice.map((x, k) => (from + k === offset ? `[${hex(x)}]` : hex(x))).join(" ");
}

function hex(x: number): string {
  return x.toString(16).padStart(2, "0");
}
