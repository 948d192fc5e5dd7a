// Stand-ins for values that exist only at deployment (tokens, keys, certificates, the
// discovery token), with the sizes and the incompressibility of the real ones, so a
// config can be rendered and measured against its provider's limit at preview.
// Sizes err on the large side: the CA certificate (RSA 2048, see tls.ts) is ~1,100 bytes
// of PEM; a placeholder that fits guarantees the real config fits. No private key is
// ever part of a machine config, so none has a placeholder.
import type { MachineValues } from "./machine";

/** Deterministic incompressible base64 text (xorshift32): same output every run. */
export function noise(chars: number, seed: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let x = seed >>> 0 || 1;
  let out = "";
  for (let i = 0; i < chars; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += alphabet[(x >>> 0) % 64];
  }
  return out;
}

export function fakePem(label: string, base64Chars: number, seed: number): string {
  const body = noise(base64Chars, seed).match(/.{1,64}/g)!.join("\n");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

export const PLACEHOLDER = {
  discoveryUrl: (service?: string) => `${(service ?? "https://discovery.placeholder.invalid").replace(/\/+$/, "")}/${"0".repeat(32)}`,
  /** hfa_/hfb_ + 43 base64url characters, as the token resources make them. */
  token: (prefix: "hfa" | "hfb") => `${prefix}_${noise(43, prefix === "hfa" ? 7 : 11).replace(/\+/g, "-").replace(/\//g, "_")}`,
  caCertPem: fakePem("CERTIFICATE", 1400, 3),
  runtime: { url: `https://bundles.placeholder.invalid/${"x".repeat(160)}/hafen.js`, sha256: "0".repeat(64) },
} as const;

export interface PlaceholderChoice {
  readonly discoveryUrl: string;
  readonly runtime?: { readonly url: string; readonly sha256: string };
}

export function placeholderValues(c: PlaceholderChoice): MachineValues {
  return {
    discoveryUrl: c.discoveryUrl,
    adminToken: PLACEHOLDER.token("hfa"),
    bootstrapToken: PLACEHOLDER.token("hfb"),
    caCertPem: PLACEHOLDER.caCertPem,
    ...(c.runtime && { runtime: c.runtime }),
  };
}
