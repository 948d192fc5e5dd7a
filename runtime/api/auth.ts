// Who may call the API. Three kinds of bearer token, told apart by prefix so a lookup
// never has to try every secret:
//   hfa_<secret>               admin (CLI, Pulumi Unit resources); servers keep sha256 only
//   hfb_<secret>               bootstrap (join) token a new machine presents once, short-lived
//   hfm_<machineId>_<secret>   a machine's own token, issued at registration; its sha256 is
//                              stored under credentials/<machineId>
// or a TLS client certificate signed by the cluster CA (what fleet's clients send):
// CN "machine:<id>" is that machine, any other verified certificate is an admin.
// Hashes are compared in constant time. Nothing here logs a token.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Principal } from "./http";

export type TokenKind = "admin" | "bootstrap" | "machine";

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function newToken(kind: "admin" | "bootstrap"): string;
export function newToken(kind: "machine", machineId: string): string;
export function newToken(kind: TokenKind, machineId?: string): string {
  const secret = randomBytes(32).toString("base64url");
  switch (kind) {
    case "admin":
      return `hfa_${secret}`;
    case "bootstrap":
      return `hfb_${secret}`;
    case "machine":
      return `hfm_${machineId}_${secret}`;
    default: {
      const never: never = kind;
      throw new Error(`unknown token kind ${String(never)}`);
    }
  }
}

export type ParsedToken =
  | { readonly kind: "admin" | "bootstrap"; readonly token: string }
  | { readonly kind: "machine"; readonly machineId: string; readonly token: string };

const MACHINE_TOKEN = /^hfm_([0-9a-f]{32})_[A-Za-z0-9_-]{20,}$/;

export function parseToken(token: string): ParsedToken | undefined {
  if (/^hfa_[A-Za-z0-9_-]{20,}$/.test(token)) return { kind: "admin", token };
  if (/^hfb_[A-Za-z0-9_-]{20,}$/.test(token)) return { kind: "bootstrap", token };
  const m = MACHINE_TOKEN.exec(token);
  return m ? { kind: "machine", machineId: m[1]!, token } : undefined;
}

export function hashEquals(aHex: string, bHex: string): boolean {
  const a = Buffer.from(aHex, "hex");
  const b = Buffer.from(bHex, "hex");
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

export interface AuthConfig {
  /** sha256 (hex) of every accepted admin token. */
  readonly adminTokenHashes: readonly string[];
  /** sha256 of the bootstrap token, and when it stops being accepted (ms since epoch). */
  readonly bootstrap?: { readonly hash: string; readonly expiresAt?: number };
  /** True when `hash` is the stored sha256 of the machine's token. */
  machineTokenMatches(machineId: string, hash: string): Promise<boolean>;
  readonly now: () => number;
}

/** Establishes the principal of a request; `anonymous` when it proves nothing. */
export async function authenticate(req: IncomingMessage, cfg: AuthConfig): Promise<Principal> {
  const cert = clientCertificatePrincipal(req);
  if (cert) return cert;
  const header = req.headers.authorization;
  if (typeof header !== "string" || !header.startsWith("Bearer ")) return { kind: "anonymous" };
  const parsed = parseToken(header.slice("Bearer ".length).trim());
  if (!parsed) return { kind: "anonymous" };
  const hash = sha256Hex(parsed.token);
  switch (parsed.kind) {
    case "admin":
      return cfg.adminTokenHashes.some((h) => hashEquals(h, hash)) ? { kind: "admin", via: "token" } : { kind: "anonymous" };
    case "bootstrap": {
      const b = cfg.bootstrap;
      if (!b || (b.expiresAt !== undefined && cfg.now() > b.expiresAt)) return { kind: "anonymous" };
      return hashEquals(b.hash, hash) ? { kind: "bootstrap" } : { kind: "anonymous" };
    }
    case "machine": {
      return (await cfg.machineTokenMatches(parsed.machineId, hash)) ? { kind: "machine", machineId: parsed.machineId } : { kind: "anonymous" };
    }
    default: {
      const never: never = parsed;
      throw new Error(`unhandled token ${JSON.stringify(never)}`);
    }
  }
}

function clientCertificatePrincipal(req: IncomingMessage): Principal | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (!socket.encrypted || !socket.authorized || typeof socket.getPeerCertificate !== "function") return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.subject) return undefined;
  const cn = cert.subject.CN;
  const m = typeof cn === "string" ? /^machine:([0-9a-f]{32})$/.exec(cn) : null;
  return m ? { kind: "machine", machineId: m[1]! } : { kind: "admin", via: "certificate" };
}
