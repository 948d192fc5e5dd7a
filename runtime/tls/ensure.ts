// A machine's TLS material at start: the certificate its API server, etcd member and
// agent present, and (on control machines) the cluster CA key that signs certificates.
//
//   operator-provided  settings.tls.certFile/keyFile: used as they are.
//   control / both     the CA key comes from the discovery service, sealed with the
//                      bootstrap token (runtime/tls/seal.ts), kept in <dataDir>/tls;
//                      the machine then signs its own certificate with its real IPs.
//   worker             generates a key, sends a CSR to the servers (authenticated with
//                      its bootstrap or machine token) and keeps the signed certificate.
//
// Idempotent and safe to call from several processes of one machine at once (etcd-env,
// server and agent all do): a lock file serialises them, files are replaced atomically.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HafenSettings } from "../../machine";
import { getSealed } from "../discovery";
import { unseal } from "./seal";
import { issue, keyMatches, newCsr, newKeyPem, stillGood, type CertPair } from "./certs";

export interface TlsMaterial {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** Present on control machines: what signs other machines' CSRs. */
  readonly caKey?: string;
}

export interface EnsureContext {
  readonly machineId: string;
  readonly ip: string;
  readonly name: string;
  readonly bootstrapToken?: string;
  /** Workers: sends the CSR to the servers and returns the signed certificate. */
  readonly requestCertificate?: (csrPem: string) => Promise<string>;
  readonly log: (line: string) => void;
}

export class TlsSetupError extends Error {}

const SEALED_CA_KEY = "ca-key";

function writeAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}

async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, ".lock");
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      closeSync(openSync(lock, "wx", 0o600));
      writeFileSync(lock, String(process.pid));
      break;
    } catch {
      const holder = Number(readFileSync(lock, "utf8").trim() || "0");
      let alive = false;
      try {
        alive = holder > 0 && (process.kill(holder, 0), true);
      } catch {
        alive = false;
      }
      if (!alive) rmSync(lock, { force: true });
      else if (Date.now() > deadline) throw new TlsSetupError(`${lock} is held by process ${holder} for over 120 s`);
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function isControl(s: HafenSettings): boolean {
  return s.role === "control" || s.role === "both";
}

async function caKeyFor(s: HafenSettings, dir: string, caPem: string, ctx: EnsureContext): Promise<string> {
  const path = join(dir, "ca-key.pem");
  if (existsSync(path)) return readFileSync(path, "utf8");
  if (!ctx.bootstrapToken) throw new TlsSetupError("this control machine has no CA key yet and no bootstrap token to fetch it with");
  const sealed = await getSealed(s.discovery, SEALED_CA_KEY, {});
  if (!sealed.ok) throw new TlsSetupError(`fetching the sealed CA key from discovery failed: ${sealed.error.message}`);
  if (sealed.value === undefined) {
    throw new TlsSetupError("the discovery service holds no sealed CA key for this cluster (expired? run `pulumi up` to publish it again)");
  }
  const keyPem = unseal(ctx.bootstrapToken, SEALED_CA_KEY, sealed.value);
  if (!keyMatches(caPem, keyPem)) throw new TlsSetupError("the sealed CA key does not belong to this cluster's CA certificate");
  writeAtomic(path, keyPem, 0o600);
  ctx.log("fetched the cluster CA key from discovery");
  return keyPem;
}

export async function ensureTls(s: HafenSettings, ctx: EnsureContext): Promise<TlsMaterial | undefined> {
  if (!s.tls) return undefined;
  const ca = readFileSync(s.tls.caFile, "utf8");
  if (s.tls.certFile && s.tls.keyFile) {
    return { ca, cert: readFileSync(s.tls.certFile, "utf8"), key: readFileSync(s.tls.keyFile, "utf8"), certFile: s.tls.certFile, keyFile: s.tls.keyFile };
  }
  const dir = join(s.dataDir, "tls");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  const ips = [...new Set([ctx.ip, "127.0.0.1"])];
  const names = { commonName: `machine:${ctx.machineId}`, ips, dns: ["localhost", ctx.name].filter((d, i, a) => a.indexOf(d) === i) };
  return withLock(dir, async () => {
    const caKey = isControl(s) ? await caKeyFor(s, dir, ca, ctx) : undefined;
    if (existsSync(certFile) && existsSync(keyFile)) {
      const cert = readFileSync(certFile, "utf8");
      const key = readFileSync(keyFile, "utf8");
      if (stillGood(cert, ca, ips) && keyMatches(cert, key)) return { ca, cert, key, certFile, keyFile, ...(caKey ? { caKey } : {}) };
    }
    let pair: CertPair;
    if (caKey) {
      pair = issue({ certPem: ca, keyPem: caKey }, names);
    } else {
      if (!ctx.requestCertificate) throw new TlsSetupError("a worker needs the servers to sign its certificate, but none can be asked");
      const keyPem = newKeyPem();
      const certPem = await ctx.requestCertificate(newCsr(keyPem, names));
      if (!stillGood(certPem, ca, ips) || !keyMatches(certPem, keyPem)) throw new TlsSetupError("the servers returned a certificate that does not fit this machine");
      pair = { certPem, keyPem };
    }
    writeAtomic(keyFile, pair.keyPem, 0o600);
    writeAtomic(certFile, pair.certPem, 0o644);
    ctx.log(`issued this machine's certificate (${names.commonName}, ${ips.join(", ")})`);
    return { ca, cert: pair.certPem, key: pair.keyPem, certFile, keyFile, ...(caKey ? { caKey } : {}) };
  });
}
