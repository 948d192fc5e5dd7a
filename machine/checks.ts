// Value checks shared by the loaders. Each returns undefined when the value is fine, or
// a sentence naming what is wrong and what is accepted. Pure; no I/O.
import { posix } from "node:path";

/** Characters allowed in paths Hafen writes or puts on ExecStart lines: they need no
 *  quoting in systemd units, shell snippets or YAML, so rendering stays predictable. */
export const SAFE_PATH = /^[A-Za-z0-9._@+,:=~\/-]+$/;
export const PATH_MAX = 4096;

export function checkAbsolutePath(v: string): string | undefined {
  if (v === "") return "path is empty; expected an absolute path such as /etc/motd";
  if (v.length > PATH_MAX) return `path is ${v.length} characters; at most ${PATH_MAX} are accepted`;
  if (!v.startsWith("/")) return `path "${v}" is relative; expected an absolute path such as /etc/${v}`;
  if (v === "/") return `path "/" is a directory; expected a file path such as /etc/motd`;
  if (posix.normalize(v) !== v || v.endsWith("/")) {
    return `path "${v}" is not normalized (no "//", "/./", "/../" or trailing "/"); expected ${posix.normalize(v).replace(/\/$/, "") || "/..."}`;
  }
  if (!SAFE_PATH.test(v)) {
    return `path "${v}" has characters Hafen does not write (spaces, quotes, $, %, \\, control characters); accepted: letters, digits and ._@+,:=~-/`;
  }
  return undefined;
}

/** Flatcar and Fedora CoreOS mount /usr read-only; writing there fails at boot. */
export function checkWritablePath(v: string): string | undefined {
  return v === "/usr" || v.startsWith("/usr/")
    ? `path "${v}" is under /usr, which is read-only on Flatcar and Fedora CoreOS; use /etc, /opt or /var`
    : undefined;
}

export const MODE_MAX = 0o7777;

/** Modes are numbers (TypeScript/JSON: 420 or 0o644) or octal strings ("0644", "644"). */
export function parseMode(v: unknown): { mode: number } | { error: string } {
  const accepted = `accepted: an octal string such as "0644" or "0755", or a number from 0 to ${MODE_MAX} (0o7777)`;
  if (typeof v === "number") {
    if (Number.isInteger(v) && v >= 0 && v <= MODE_MAX) return { mode: v };
    return { error: `mode ${v} is out of range; ${accepted}` };
  }
  if (typeof v === "string") {
    const m = /^(?:0o|0)?([0-7]{1,4})$/.exec(v);
    if (m) return { mode: parseInt(m[1]!, 8) };
    return { error: `mode "${v}" is not octal; ${accepted}` };
  }
  return { error: `mode must be a string or number; ${accepted}` };
}

export function formatMode(mode: number): string {
  return mode.toString(8).padStart(4, "0");
}

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens. */
export function checkHostname(v: string): string | undefined {
  const accepted = "accepted: labels of letters, digits and hyphens (not first or last), 1-63 characters each, 253 in all";
  if (v === "" || v.length > 253) return `hostname has ${v.length} characters; ${accepted}`;
  const bad = v.split(".").find((l) => !LABEL.test(l));
  return bad === undefined ? undefined : `hostname label "${bad}" is invalid; ${accepted}`;
}

/** Number of length-prefixed fields in each public key blob, after the type string. */
const KEY_FIELDS: Readonly<Record<string, number>> = {
  "ssh-rsa": 2,
  "ssh-dss": 4,
  "ssh-ed25519": 1,
  "ecdsa-sha2-nistp256": 2,
  "ecdsa-sha2-nistp384": 2,
  "ecdsa-sha2-nistp521": 2,
  "sk-ssh-ed25519@openssh.com": 2,
  "sk-ecdsa-sha2-nistp256@openssh.com": 3,
};
export const SSH_KEY_TYPES = Object.keys(KEY_FIELDS);

/** Splits an SSH wire-format blob into its length-prefixed fields, or undefined if the
 *  lengths do not add up (a truncated or pasted-wrong key). */
function wireFields(blob: Buffer): Buffer[] | undefined {
  const out: Buffer[] = [];
  let off = 0;
  while (off < blob.length) {
    if (off + 4 > blob.length) return undefined;
    const len = blob.readUInt32BE(off);
    if (off + 4 + len > blob.length) return undefined;
    out.push(blob.subarray(off + 4, off + 4 + len));
    off += 4 + len;
  }
  return out;
}

/** An authorized_keys line: TYPE BASE64 [COMMENT], with the blob decoded and its fields
 *  counted, so truncated keys (the seed article's `AAAAB3...AAAYQ...`) are refused. */
export function checkSshKey(v: string): string | undefined {
  const accepted = `expected "TYPE BASE64 [COMMENT]" with TYPE one of ${SSH_KEY_TYPES.join(", ")}, as in ~/.ssh/id_ed25519.pub`;
  if (/[\r\n\0]/.test(v)) return `SSH key contains a line break or NUL; give one key per list entry; ${accepted}`;
  const [type, b64] = v.trim().split(/\s+/, 3);
  if (type === undefined || !(type in KEY_FIELDS)) return `SSH key type "${type ?? ""}" is not recognised; ${accepted}`;
  if (!b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) {
    return `SSH key body is not valid base64 (truncated or with "..." in it?); ${accepted}`;
  }
  const fields = wireFields(Buffer.from(b64, "base64"));
  if (!fields || fields[0]?.toString("latin1") !== type) {
    return `SSH key body does not decode to a ${type} key (truncated or pasted from another key?); ${accepted}`;
  }
  if (fields.length !== 1 + KEY_FIELDS[type]!) {
    return `SSH key body has ${fields.length - 1} fields after the type; a ${type} key has ${KEY_FIELDS[type]}; the key looks truncated`;
  }
  return undefined;
}

/** POSIX user/group names as useradd's default NAME_REGEX accepts them. */
export function checkAccountName(v: string, what: "user" | "group"): string | undefined {
  return /^[a-z_][a-z0-9_-]{0,31}$/.test(v)
    ? undefined
    : `${what} name "${v}" is invalid; accepted: lowercase letters, digits, "_" and "-", starting with a letter or "_", at most 32 characters`;
}

/** crypt(3) hashes: $id$...; plain-text passwords are refused outright. */
export function checkPasswordHash(v: string): string | undefined {
  return /^\$[a-z0-9]{1,4}\$[^\s:]{8,}$/.test(v)
    ? undefined
    : `password hash is not a crypt(3) hash; expected e.g. the output of "openssl passwd -6" ($6$salt$...) — never a plain password`;
}

/** http(s) URLs without credentials (they would end up in user data); returns the
 *  normalized URL or the problem. */
export function checkUrl(v: string): { url: string } | { error: string } {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return { error: `"${v}" is not a URL; expected https://host/path` };
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return { error: `URL scheme "${u.protocol}" is not supported; expected https: or http:` };
  if (u.username || u.password) return { error: `URL carries credentials; user data is readable on the machine, so give a URL without user:password@` };
  return { url: u.href };
}

export function checkSha256(v: string): string | undefined {
  return /^[0-9a-fA-F]{64}$/.test(v) ? undefined : `"${v}" is not a SHA-256 digest; expected 64 hex digits (sha256sum output)`;
}

/** Container images pinned by digest: NAME[:TAG]@sha256:<64 hex>. */
export function checkImageDigest(v: string): string | undefined {
  const component = "[a-z0-9]+(?:[._-]+[a-z0-9]+)*";
  const re = new RegExp(`^${component}(?::[0-9]+)?(?:/${component})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[0-9a-f]{64}$`);
  return re.test(v)
    ? undefined
    : `image "${v}" is not pinned by digest; expected NAME[:TAG]@sha256:<64 hex>, e.g. docker.io/library/node:20@sha256:…`;
}

/** Drop-in file names: `NN-name.conf`, no slashes. */
export function checkDropInName(v: string): string | undefined {
  return /^[A-Za-z0-9:_.@+-]{1,250}\.conf$/.test(v)
    ? undefined
    : `drop-in name "${v}" is invalid; expected a file name ending in .conf such as 10-override.conf (letters, digits, ":_.@+-")`;
}
