// User data as the machine will see it: base64 and gzip layers peeled off, the format
// recognised. Pure; inflation is bounded so a gzip bomb in a stack cannot exhaust the
// policy process.
import { gunzipSync } from "node:zlib";

/** Bound on inflated user data (real configs are tens of KiB). */
export const INFLATE_MAX = 16 * 1024 * 1024;

export type BootFormat = "cloud-config" | "ignition" | "script" | "unknown";

export interface UserData {
  /** Bytes the provider receives, before its own transport encoding. */
  readonly bytes: Buffer;
  /** What the machine parses: the bytes decompressed when gzip, as UTF-8 text. */
  readonly text: string;
  readonly format: BootFormat;
  /** How the value was wrapped, outermost first: e.g. ["base64", "gzip"]. */
  readonly layers: readonly ("base64" | "gzip")[];
  /** Why the value could not be unwrapped (then `text` is the value as given). */
  readonly problem?: string;
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Strict base64 (line breaks allowed): undefined unless every character belongs to it. */
export function fromBase64(s: string): Buffer | undefined {
  const compact = s.replace(/\s+/g, "");
  if (compact.length === 0 || compact.length % 4 !== 0 || !B64.test(compact)) return undefined;
  return Buffer.from(compact, "base64");
}

export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** gunzip with the size bound; a string saying why when it fails. */
export function gunzip(b: Uint8Array): Buffer | string {
  try {
    return gunzipSync(b, { maxOutputLength: INFLATE_MAX });
  } catch (e) {
    return `gzip data does not inflate (${(e as Error).message}; at most ${INFLATE_MAX} bytes are read)`;
  }
}

export function formatOf(text: string): BootFormat {
  const first = text.slice(0, text.indexOf("\n") + 1 || text.length).trim();
  if (first === "#cloud-config") return "cloud-config";
  if (first.startsWith("#!")) return "script";
  if (text.trimStart().startsWith("{")) {
    try {
      const doc = JSON.parse(text) as unknown;
      const version = (doc as { ignition?: { version?: unknown } } | null)?.ignition?.version;
      if (typeof version === "string") return "ignition";
    } catch {
      return "unknown";
    }
  }
  return "unknown";
}

const looksDecoded = (b: Buffer) => isGzip(b) || formatOf(b.toString("utf8")) !== "unknown";

/**
 * `given` says how the resource field carries user data: "plain" (aws userData,
 * DigitalOcean and OpenStack userData: text, which some stacks nevertheless fill with
 * base64) or "base64" (aws userDataBase64, launch templates' userData).
 */
export function decodeUserData(value: string, given: "plain" | "base64"): UserData {
  const layers: ("base64" | "gzip")[] = [];
  let bytes: Buffer = Buffer.from(value, "utf8");
  let problem: string | undefined;
  if (given === "base64") {
    const raw = fromBase64(value);
    if (raw) (bytes = raw, layers.push("base64"));
    else problem = "the value is not base64 (this field takes base64-encoded user data)";
  } else if (formatOf(value) === "unknown") {
    const raw = fromBase64(value);
    if (raw && looksDecoded(raw)) (bytes = raw, layers.push("base64"));
  }
  let text = bytes.toString("utf8");
  if (!problem && isGzip(bytes)) {
    const inflated = gunzip(bytes);
    if (typeof inflated === "string") problem = inflated;
    else (text = inflated.toString("utf8"), layers.push("gzip"));
  }
  return { bytes, text, format: formatOf(text), layers, ...(problem && { problem }) };
}
