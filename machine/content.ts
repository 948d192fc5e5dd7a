// How inline file contents travel in each format. Pure functions of the bytes, so the
// same file always renders the same way.
import { gzipSync } from "node:zlib";

/** The variables coreos-cloudinit substitutes in user data before parsing it. */
export const SUBSTITUTIONS = ["$private_ipv4", "$public_ipv4", "$private_ipv6", "$public_ipv6"];

/** Text compresses only when it is at least this long and shrinks to ≤ 3/4: small files
 *  stay readable in the rendered config. */
const COMPRESS_MIN = 512;
const COMPRESS_RATIO = 0.75;

const fatal = new TextDecoder("utf-8", { fatal: true });

/** The bytes as a string if they are UTF-8 text that YAML block scalars carry verbatim:
 *  no control characters except tab and newline, no C1 controls, no Unicode line
 *  separators or BOM (YAML 1.1 parsers treat some of those as line breaks). */
export function asSafeText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = fatal.decode(bytes);
  } catch {
    return undefined;
  }
  return /[\0-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/.test(text) ? undefined : text;
}

export function gzip(bytes: Uint8Array): Buffer {
  return gzipSync(bytes, { level: 9 });
}

export type CloudContent =
  | { readonly encoding: "plain"; readonly content: string }
  | { readonly encoding: "b64" | "gz+b64"; readonly content: string };

/**
 * write_files content: plain text when it is safe text (always when it names a
 * $private_ipv4-style variable, which coreos-cloudinit only substitutes in plain text),
 * gz+b64 when that saves a quarter or more, base64 forms for binary data.
 */
export function cloudContent(bytes: Uint8Array): CloudContent {
  const text = asSafeText(bytes);
  const gz = gzip(bytes).toString("base64");
  if (text !== undefined) {
    const substituted = SUBSTITUTIONS.some((s) => text.includes(s));
    const worth = bytes.length >= COMPRESS_MIN && gz.length <= bytes.length * COMPRESS_RATIO;
    return !substituted && worth ? { encoding: "gz+b64", content: gz } : { encoding: "plain", content: text };
  }
  const b64 = Buffer.from(bytes).toString("base64");
  return gz.length < b64.length ? { encoding: "gz+b64", content: gz } : { encoding: "b64", content: b64 };
}

/** Characters left unescaped in `data:,` URLs (RFC 2397 allows more; these are safe
 *  for every data-URL parser, including Ignition's). */
const URL_SAFE = /[A-Za-z0-9\-_.~\/:=,@]/;

export function percentEncode(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && URL_SAFE.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export interface IgnitionContent {
  readonly source: string;
  readonly compression?: "gzip";
}

/** Ignition `contents`: the shortest of a percent-encoded, base64 or gzip+base64 data URL. */
export function ignitionContent(bytes: Uint8Array): IgnitionContent {
  const candidates: IgnitionContent[] = [
    { source: `data:,${percentEncode(bytes)}` },
    { source: `data:;base64,${Buffer.from(bytes).toString("base64")}` },
    { source: `data:;base64,${gzip(bytes).toString("base64")}`, compression: "gzip" },
  ];
  return candidates.reduce((best, c) => (c.source.length < best.source.length ? c : best));
}
