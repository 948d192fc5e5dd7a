// SealedSecret's inputs, their checks and its diff policy. Pure (no Pulumi, no I/O),
// shared by the resource (checks at construction) and its provider (checks at `check`).
//
// Diff policy:
//   discoveryUrl, name      replace: the record lives somewhere else (the old one is deleted)
//   plaintext, token, ttl   update: sealed again and put in place
//   ca                      update (how to reach the service, nothing stored)
//   near expiry             update: within `renewWithinSeconds` of `expiresAt` (or past it)
//                           any `pulumi up` publishes the record again, so a replacement
//                           control machine created later still finds the key
import { SEAL_MAX_BYTES } from "../../runtime/tls/seal";
import { parseTokenUrl } from "../../runtime/discovery";
import type { InputProblem } from "./inputs";

export interface SealedInputs {
  /** The discovery token URL the record lives under (a credential: secret). */
  readonly discoveryUrl: string;
  /** Record name, e.g. "ca-key": lowercase letters, digits, '.', '_', '-'. */
  readonly name: string;
  /** What is sealed (a PEM private key), at most SEAL_MAX_BYTES bytes. Secret. */
  readonly plaintext: string;
  /** The bootstrap token the seal key is derived from (secret). */
  readonly bootstrapToken: string;
  /** How long the service keeps the record. Default 24 h. */
  readonly ttlSeconds?: number;
  /** PEM CA of the discovery service, for a private CA. */
  readonly ca?: string;
}

export interface SealedOutputs extends SealedInputs {
  readonly ttlSeconds: number;
  /** When the service drops the record (ms since the epoch, as the service reports it). */
  readonly expiresAt: number;
}

export const SEALED_TTL = {
  defaultSeconds: 24 * 3600,
  minSeconds: 60,
  /** The discovery service keeps a sealed record at most a week (runtime/discovery/sealed.ts). */
  maxSeconds: 7 * 24 * 3600,
  renewWithinSeconds: 3600,
} as const;

const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function checkSealedInputs(x: unknown): InputProblem[] {
  if (typeof x !== "object" || x === null) return [{ property: "", reason: "expected {discoveryUrl, name, plaintext, bootstrapToken}" }];
  const i = x as Record<string, unknown>;
  const out: InputProblem[] = [];
  const url = i["discoveryUrl"];
  if (typeof url !== "string") out.push({ property: "discoveryUrl", reason: "expected the discovery token URL as a string" });
  else {
    const t = parseTokenUrl(url);
    // The URL holds the token: never repeat it in an error.
    if (!t.ok) out.push({ property: "discoveryUrl", reason: "not a discovery token URL; expected http(s)://host[:port]/<32 lowercase hex>" });
  }
  const name = i["name"];
  if (typeof name !== "string" || !NAME_RE.test(name)) {
    out.push({ property: "name", reason: `${JSON.stringify(name) ?? "(missing)"} is not a record name; expected 1-63 of a-z 0-9 . _ - starting with a letter or digit (e.g. "ca-key")` });
  }
  const plaintext = i["plaintext"];
  if (typeof plaintext !== "string" || plaintext.length === 0) out.push({ property: "plaintext", reason: "expected the text to seal (a PEM key), non-empty" });
  else if (Buffer.byteLength(plaintext, "utf8") > SEAL_MAX_BYTES) out.push({ property: "plaintext", reason: `${Buffer.byteLength(plaintext, "utf8")} bytes; at most ${SEAL_MAX_BYTES} can be sealed` });
  const token = i["bootstrapToken"];
  if (typeof token !== "string" || token.length < 20) out.push({ property: "bootstrapToken", reason: "expected the cluster's bootstrap token (hfb_…, at least 20 characters)" });
  const ttl = i["ttlSeconds"];
  if (ttl !== undefined && !(typeof ttl === "number" && Number.isInteger(ttl) && ttl >= SEALED_TTL.minSeconds && ttl <= SEALED_TTL.maxSeconds)) {
    out.push({ property: "ttlSeconds", reason: `${JSON.stringify(ttl)} is not accepted; expected whole seconds from ${SEALED_TTL.minSeconds} to ${SEALED_TTL.maxSeconds} (7 days; default ${SEALED_TTL.defaultSeconds})` });
  }
  if (i["ca"] !== undefined && (typeof i["ca"] !== "string" || !i["ca"].includes("-----BEGIN CERTIFICATE-----"))) {
    out.push({ property: "ca", reason: "expected PEM text with a -----BEGIN CERTIFICATE----- block" });
  }
  return out;
}

export interface SealedDiff {
  readonly changes: boolean;
  readonly replaces: string[];
  /** Nothing changed but the record is (nearly) expired: publish it again. */
  readonly renew: boolean;
}

export function diffSealed(olds: SealedOutputs, news: SealedInputs, nowMs: number): SealedDiff {
  const replaces = (["discoveryUrl", "name"] as const).filter((k) => olds[k] !== news[k]);
  const soft = olds.plaintext !== news.plaintext || olds.bootstrapToken !== news.bootstrapToken || olds.ttlSeconds !== (news.ttlSeconds ?? SEALED_TTL.defaultSeconds) || (olds.ca ?? "") !== (news.ca ?? "");
  const renew = typeof olds.expiresAt !== "number" || nowMs >= olds.expiresAt - SEALED_TTL.renewWithinSeconds * 1000;
  return { changes: replaces.length > 0 || soft || renew, replaces, renew };
}
