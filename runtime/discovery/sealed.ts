// Sealed records: a secret a booting control machine needs (the cluster CA's private key),
// sealed by the Pulumi stack with a key derived from the bootstrap token
// (runtime/tls/seal.ts) and kept here for a limited time under
// `/_hafen/<token>/sealed/<name>`. Machines holding the discovery token fetch it and open it
// with the bootstrap token; this service never sees a plaintext and cannot open a blob.
//
// The service checks the blob's shape, not its contents: a JSON object with exactly the
// fields seal() writes, the encrypted ones in base64url. Unknown fields are refused and
// base64url has no spaces or newlines, so a PEM key sent by mistake (or riding along in an
// extra field) is refused at the door instead of being stored in the clear. The format
// version is checked as a number, not pinned to 1, so a newer sealer works with an older
// service. The text is stored and served exactly as sent.
import { excerpt, problem, type Problem } from "./errors";

/** Names as for server ids: lowercase, digits, '.', '_', '-', starting with a letter or digit. */
export const SEALED_NAME_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** A sealed record lives at most a week: long enough for a slow first boot, short enough
 * that a leaked discovery token stops mattering. */
export const MAX_SEALED_TTL_SECONDS = 7 * 24 * 3600;
/** Largest blob stored, whatever the server's body limit (seal() caps plaintext at 4 KiB,
 * ~5.6 KB sealed). With the count limit it bounds a token's sealed data at 128 KiB. */
export const MAX_SEALED_BYTES = 8192;
/** Sealed records a token holds at once (default of the registry's limit). */
export const MAX_SEALED_PER_TOKEN = 16;

/** A stored sealed record; `expiresAt` is wall-clock ms, so the TTL runs across restarts. */
export interface SealedEntry {
  readonly name: string;
  /** The blob's JSON text exactly as it was put. */
  readonly blob: string;
  readonly expiresAt: number;
}

const FIELDS = ["v", "alg", "salt", "iv", "tag", "ct"] as const;
const B64URL = /^[A-Za-z0-9_-]*$/;
const ALG = /^[A-Za-z0-9_-]{1,32}$/;
const EXAMPLE = '{"v":1,"alg":"A256GCM","salt":"…","iv":"…","tag":"…","ct":"…"}';

/** Checks a body as a sealed blob; undefined when it is one. */
export function checkSealedBlob(text: string): Problem | undefined {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_SEALED_BYTES) return problem(1002, `sealed blob of ${bytes} bytes; at most ${MAX_SEALED_BYTES}`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return problem(210, `body is not JSON (${(err as Error).message}); send the text seal() returns, ${EXAMPLE}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    return problem(210, `body must be a JSON object as seal() returns, ${EXAMPLE}`);
  const obj = data as Record<string, unknown>;
  for (const k of Object.keys(obj))
    if (!(FIELDS as readonly string[]).includes(k)) return problem(209, `body.${excerpt(k).slice(1, -1)}: unknown field; accepted: ${FIELDS.join(", ")}`);
  return checkFields(obj);
}

function checkFields(obj: Record<string, unknown>): Problem | undefined {
  const v = obj["v"];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1)
    return problem(209, `body.v ${shown(v)}: expected the format version, a whole number from 1`);
  const alg = obj["alg"];
  if (typeof alg !== "string" || !ALG.test(alg))
    return problem(209, `body.alg ${shown(alg)}: expected an algorithm name, 1 to 32 of A-Z a-z 0-9 _ -`);
  for (const f of ["salt", "iv", "tag", "ct"] as const) {
    const x = obj[f];
    const mayBeEmpty = f === "ct"; // an empty secret seals to an empty ciphertext
    if (typeof x !== "string" || !B64URL.test(x) || (x === "" && !mayBeEmpty))
      return problem(209, `body.${f} ${shown(x)}: expected ${mayBeEmpty ? "" : "non-empty "}base64url text (A-Z a-z 0-9 _ -, no padding)`);
  }
  return undefined;
}

/** The offending value as JSON (strings quoted, cut short), or "is missing". */
function shown(x: unknown): string {
  if (x === undefined) return "is missing";
  if (typeof x === "string") return excerpt(x, 40);
  const json = JSON.stringify(x);
  return json.length <= 40 ? json : `${json.slice(0, 40)}…`;
}
