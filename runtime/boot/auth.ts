// Who may change groups, profiles and assets: holders of a bearer token listed in the
// `--token-file`. The file holds one entry per line — the token itself, or
// `sha256:<hex>` of it so the boot host need not keep the secret — and `#` comments;
// several lines allow rotation. Only SHA-256 digests are kept in memory and compared,
// in constant time. Machine endpoints are never authenticated (PXE cannot).
import { createHash, timingSafeEqual } from "node:crypto";

export const MIN_TOKEN_LENGTH = 16;

export type TokenFile = { readonly ok: true; readonly hashes: readonly string[] } | { readonly ok: false; readonly message: string };

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export function parseTokenFile(text: string, file: string): TokenFile {
  const hashes: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    const hashed = /^sha256:([0-9a-fA-F]{64})$/.exec(line);
    if (hashed) hashes.push(hashed[1]!.toLowerCase());
    else if (/^[\x21-\x7e]+$/.test(line) && line.length >= MIN_TOKEN_LENGTH) hashes.push(sha256Hex(line));
    else return { ok: false, message: `${file}:${i + 1}: expected a token of at least ${MIN_TOKEN_LENGTH} printable characters without spaces, or sha256:<64 hex digits>` };
  }
  if (hashes.length === 0) return { ok: false, message: `${file}: no token in the file; write one (e.g. openssl rand -hex 32) or sha256:<hex> of one` };
  return { ok: true, hashes };
}

/** True when the Authorization header carries a token whose digest is listed. */
export function bearerAccepted(header: string | string[] | undefined, hashes: readonly string[]): boolean {
  if (typeof header !== "string") return false;
  const m = /^Bearer +([\x21-\x7e]+)$/i.exec(header.trim()); // the scheme is case-insensitive (RFC 7235)
  if (!m) return false;
  const presented = Buffer.from(sha256Hex(m[1]!), "hex");
  let ok = false;
  for (const h of hashes) ok = timingSafeEqual(presented, Buffer.from(h, "hex")) || ok;
  return ok;
}
