// Sealing a secret for a machine's first boot. User data may carry only a short-lived
// bootstrap token (design.md "Secrets at boot"), so long-lived keys travel another way:
// the stack seals them with a key derived from the bootstrap token and publishes the
// sealed blob in the discovery service for a limited time; a booting control machine
// fetches it with the same token and unseals it. Without the token the blob is useless;
// once it expires, the token is useless for it.
//
// Format (JSON text, versioned): {"v":1,"alg":"A256GCM","salt","iv","tag","ct"} with
// base64url fields; key = HKDF-SHA256(token, salt, info "hafen sealed " + name, 32 bytes).
// The name is bound into the key, so a blob cannot be replayed under another name.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

export interface Sealed {
  readonly v: 1;
  readonly alg: "A256GCM";
  readonly salt: string;
  readonly iv: string;
  readonly tag: string;
  readonly ct: string;
}

/** Longest plaintext sealed (a PEM private key is ~1.7 KB; blobs travel in 8 KiB bodies). */
export const SEAL_MAX_BYTES = 4096;

function keyFor(token: string, salt: Buffer, name: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(token, "utf8"), salt, Buffer.from(`hafen sealed ${name}`, "utf8"), 32));
}

export function seal(token: string, name: string, plaintext: string): string {
  const data = Buffer.from(plaintext, "utf8");
  if (data.length > SEAL_MAX_BYTES) throw new Error(`sealed secret ${name} is ${data.length} bytes; at most ${SEAL_MAX_BYTES}`);
  if (token.length < 20) throw new Error("sealing needs the bootstrap token (at least 20 characters)");
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(token, salt, name), iv);
  const ct = Buffer.concat([cipher.update(data), cipher.final()]);
  const sealed: Sealed = {
    v: 1,
    alg: "A256GCM",
    salt: salt.toString("base64url"),
    iv: iv.toString("base64url"),
    tag: cipher.getAuthTag().toString("base64url"),
    ct: ct.toString("base64url"),
  };
  return JSON.stringify(sealed);
}

export class UnsealError extends Error {}

/** Opens a sealed blob; UnsealError when it is malformed or the token/name is wrong. */
export function unseal(token: string, name: string, text: string): string {
  let s: Partial<Sealed>;
  try {
    s = JSON.parse(text) as Partial<Sealed>;
  } catch {
    throw new UnsealError(`sealed secret ${name} is not JSON`);
  }
  const b64 = /^[A-Za-z0-9_-]*$/;
  if (!s || s.v !== 1 || s.alg !== "A256GCM" || [s.salt, s.iv, s.tag, s.ct].some((f) => typeof f !== "string" || !b64.test(f))) {
    throw new UnsealError(`sealed secret ${name} is not a version-1 A256GCM blob`);
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFor(token, Buffer.from(s.salt!, "base64url"), name), Buffer.from(s.iv!, "base64url"));
    decipher.setAuthTag(Buffer.from(s.tag!, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(s.ct!, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new UnsealError(`sealed secret ${name} does not open with this bootstrap token (wrong token, name, or a damaged blob)`);
  }
}
