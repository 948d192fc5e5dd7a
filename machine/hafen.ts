// Validation of the Hafen runtime settings (the `hafen:` section of a machine, and the
// /etc/hafen/machine.json file the runtime reads at start). One reader serves both, so
// the runtime accepts exactly what the renderers write.
import { checkAbsolutePath, checkImageDigest, checkSha256, checkUrl } from "./checks";
import {
  HAFEN_DEFAULTS,
  type ContainerEngine,
  type HafenSettings,
  type Launch,
  type MachineRole,
  type StoreKind,
} from "./model";
import { fail, ok, Problems, type FieldPath, type Result } from "./problems";
import { checkKeys, isRecord, optString, readRecord, reqString, wrongType, type Obj } from "./read";

const ROLES: readonly MachineRole[] = ["control", "worker", "both"];
const STORES: readonly StoreKind[] = ["embedded", "etcd"];
const ENGINES: readonly ContainerEngine[] = ["docker", "podman"];
const KEYS = [
  "role",
  "discovery",
  "store",
  "metadata",
  "ports",
  "name",
  "bindAddress",
  "advertiseAddress",
  "auth",
  "bootstrapTokenFile",
  "tls",
  "dataDir",
  "launch",
  "runtime",
  "leaseTtlSeconds",
];
const PORT_KEYS = ["api", "agent", "etcdClient", "etcdPeer"] as const;
export const LEASE_TTL_MAX = 3600;
/** etcd refuses to grant shorter leases (design.md). */
export const ETCD_MIN_TTL = 2;

function oneOf<T extends string>(p: Problems, obj: Obj, key: string, at: FieldPath, allowed: readonly T[]): T | undefined {
  const v = reqString(p, obj, key, at, `one of ${allowed.join(", ")}`);
  if (v === undefined) return undefined;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  p.add("invalid-value", [...at, key], v, `"${v}" is not accepted; expected one of ${allowed.join(", ")}`);
  return undefined;
}

function path(p: Problems, obj: Obj, key: string, at: FieldPath, required: boolean, fallback?: string): string | undefined {
  const v = required ? reqString(p, obj, key, at, "an absolute path") : optString(p, obj, key, at);
  if (v === undefined) return fallback;
  const bad = checkAbsolutePath(v);
  if (bad) p.add("invalid-value", [...at, key], v, bad);
  return bad ? undefined : v;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** https://HOST/…/<32 hex>, or plain http on a loopback host for local clusters. */
export function checkDiscoveryUrl(v: string): string | undefined {
  const u = checkUrl(v);
  if ("error" in u) return u.error;
  const url = new URL(u.url);
  const accepted = "expected https://HOST/<32 hex token> (from `hafen discovery` /new), or http://127.0.0.1:PORT/<token> for local clusters";
  if (url.protocol === "http:" && !LOOPBACK.has(url.hostname)) return `plain http is only accepted on 127.0.0.1; ${accepted}`;
  if (url.search || url.hash) return `discovery URL has a query or fragment; ${accepted}`;
  const token = url.pathname.split("/").pop() ?? "";
  return /^[0-9a-f]{32}$/.test(token) ? undefined : `discovery URL does not end in a 32-hex token; ${accepted}`;
}

function readMetadata(p: Problems, v: unknown, at: FieldPath): Record<string, string> {
  if (v === undefined) return {};
  if (!isRecord(v)) return wrongType(p, at, v, "a mapping of metadata keys to values") ?? {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(k)) {
      p.add("invalid-value", [...at, k], k, `metadata key "${k}" is invalid; accepted: letters, digits, "_" and "-"`);
    } else if (typeof val !== "string") {
      wrongType(p, [...at, k], val, "a string");
    } else if (!/^[^\s,="\0-\x1f]{1,255}$/.test(val)) {
      p.add("invalid-value", [...at, k], val, `metadata value must be non-empty without spaces, ",", "=" or quotes (fleet's k=v lists)`);
    } else out[k] = val;
  }
  return out;
}

function readPorts(p: Problems, v: unknown, at: FieldPath): HafenSettings["ports"] {
  const d = HAFEN_DEFAULTS.ports;
  if (v === undefined) return { ...d };
  const obj = readRecord(p, v, at, "a mapping with api, agent, etcdClient, etcdPeer");
  if (!obj) return { ...d };
  checkKeys(p, obj, at, [...PORT_KEYS]);
  const port = (key: (typeof PORT_KEYS)[number]): number => {
    const n = obj[key];
    if (n === undefined) return d[key];
    if (typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 65535) return n;
    p.add("invalid-value", [...at, key], n, `port must be an integer from 1 to 65535 (default ${d[key]})`);
    return d[key];
  };
  const ports = { api: port("api"), agent: port("agent"), etcdClient: port("etcdClient"), etcdPeer: port("etcdPeer") };
  if (new Set(Object.values(ports)).size !== PORT_KEYS.length) {
    p.add("conflict", at, ports, "api, agent, etcdClient and etcdPeer must be four different ports");
  }
  return ports;
}

function readTls(p: Problems, v: unknown, at: FieldPath): HafenSettings["tls"] {
  if (v === undefined) return undefined;
  const obj = readRecord(p, v, at, "a mapping with caFile, and certFile/keyFile for operator-provided certificates");
  if (!obj) return undefined;
  checkKeys(p, obj, at, ["caFile", "certFile", "keyFile"]);
  const caFile = path(p, obj, "caFile", at, true);
  const certFile = path(p, obj, "certFile", at, false);
  const keyFile = path(p, obj, "keyFile", at, false);
  if ((obj["certFile"] === undefined) !== (obj["keyFile"] === undefined)) {
    p.add("conflict", at, obj, "certFile and keyFile come together (a certificate needs its key), or neither (the runtime then issues the certificate at boot)");
  }
  return caFile === undefined ? undefined : { caFile, ...(certFile && { certFile }), ...(keyFile && { keyFile }) };
}

function readLaunch(p: Problems, v: unknown, at: FieldPath): Launch | undefined {
  const obj = readRecord(p, v, at, 'a mapping with style "host" or "container"');
  if (!obj) return undefined;
  const style = oneOf(p, obj, "style", at, ["host", "container"] as const);
  if (style === "host") {
    checkKeys(p, obj, at, ["style", "node", "hafen", "etcd", "executor"]);
    const node = path(p, obj, "node", at, true);
    const hafen = path(p, obj, "hafen", at, true);
    const etcd = path(p, obj, "etcd", at, false, HAFEN_DEFAULTS.etcd);
    const executor = obj["executor"] === undefined ? undefined : oneOf(p, obj, "executor", at, ["process", "recording"] as const);
    return node && hafen && etcd ? { style, node, hafen, etcd, ...(executor && { executor }) } : undefined;
  }
  if (style === "container") {
    checkKeys(p, obj, at, ["style", "engine", "nodeImage", "etcdImage"]);
    const engine = oneOf(p, obj, "engine", at, ENGINES);
    const image = (key: string) => {
      const s = reqString(p, obj, key, at, "an image pinned by digest");
      const bad = s === undefined ? undefined : checkImageDigest(s);
      if (bad) p.add("invalid-value", [...at, key], s, bad);
      return bad ? undefined : s;
    };
    const nodeImage = image("nodeImage");
    const etcdImage = image("etcdImage");
    return engine && nodeImage && etcdImage ? { style, engine, nodeImage, etcdImage } : undefined;
  }
  return undefined;
}

function readRuntime(p: Problems, v: unknown, at: FieldPath): HafenSettings["runtime"] {
  if (v === undefined) return undefined;
  const obj = readRecord(p, v, at, "a mapping with url and sha256");
  if (!obj) return undefined;
  checkKeys(p, obj, at, ["url", "sha256"]);
  const url = reqString(p, obj, "url", at, "the bundle's http(s) URL");
  const sha = reqString(p, obj, "sha256", at, "the bundle's SHA-256 (64 hex digits)");
  const u = url === undefined ? undefined : checkUrl(url);
  if (u && "error" in u) p.add("invalid-value", [...at, "url"], url, u.error);
  const badSha = sha === undefined ? undefined : checkSha256(sha);
  if (badSha) p.add("invalid-value", [...at, "sha256"], sha, badSha);
  return u && "url" in u && sha && !badSha ? { url: u.url, sha256: sha.toLowerCase() } : undefined;
}

function readTtl(p: Problems, obj: Obj, at: FieldPath, store: StoreKind | undefined): number {
  const v = obj["leaseTtlSeconds"];
  if (v === undefined) return HAFEN_DEFAULTS.leaseTtlSeconds;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > LEASE_TTL_MAX) {
    p.add("invalid-value", [...at, "leaseTtlSeconds"], v, `lease TTL must be a whole number of seconds from 1 to ${LEASE_TTL_MAX} (default 5)`);
    return HAFEN_DEFAULTS.leaseTtlSeconds;
  }
  if (store === "etcd" && v < ETCD_MIN_TTL) {
    p.add("conflict", [...at, "leaseTtlSeconds"], v, `etcd grants leases of at least ${ETCD_MIN_TTL} s; use ${ETCD_MIN_TTL} or more, or store: embedded`);
  }
  return v;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]{2,39}$/;

function address(p: Problems, obj: Obj, key: string, at: FieldPath): string | undefined {
  const v = optString(p, obj, key, at);
  if (v === undefined) return undefined;
  if (IPV4.test(v) || (v.includes(":") && IPV6.test(v))) return v;
  p.add("invalid-value", [...at, key], v, `"${v}" is not an IP address; expected e.g. 127.0.0.1, 0.0.0.0 or ::`);
  return undefined;
}

function readName(p: Problems, obj: Obj, at: FieldPath): string | undefined {
  const v = optString(p, obj, "name", at);
  if (v === undefined || /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(v)) return v;
  p.add("invalid-value", [...at, "name"], v, "machine name must be a host name (letters, digits, '-', dots between labels)");
  return undefined;
}

const SHA256 = /^[0-9a-f]{64}$/;

function readAuth(p: Problems, v: unknown, at: FieldPath): HafenSettings["auth"] {
  if (v === undefined) return undefined;
  const obj = readRecord(p, v, at, "a mapping with adminTokenSha256, bootstrapTokenSha256, bootstrapExpiresAt");
  if (!obj) return undefined;
  checkKeys(p, obj, at, ["adminTokenSha256", "bootstrapTokenSha256", "bootstrapExpiresAt"]);
  const admin = obj["adminTokenSha256"] ?? [];
  const hashes: string[] = [];
  if (!Array.isArray(admin)) wrongType(p, [...at, "adminTokenSha256"], admin, "a list of SHA-256 hashes (64 lowercase hex)");
  else
    admin.forEach((h, i) => {
      if (typeof h === "string" && SHA256.test(h)) hashes.push(h);
      else p.add("invalid-value", [...at, "adminTokenSha256", i], h, "expected a SHA-256 hash of an admin token (64 lowercase hex), never the token itself");
    });
  const boot = optString(p, obj, "bootstrapTokenSha256", at);
  if (boot !== undefined && !SHA256.test(boot)) {
    p.add("invalid-value", [...at, "bootstrapTokenSha256"], boot, "expected the SHA-256 of the bootstrap token (64 lowercase hex)");
  }
  const expires = optString(p, obj, "bootstrapExpiresAt", at);
  if (expires !== undefined && !(/^\d{4}-\d{2}-\d{2}T/.test(expires) && Number.isFinite(Date.parse(expires)))) {
    p.add("invalid-value", [...at, "bootstrapExpiresAt"], expires, "expected an ISO 8601 time such as 2026-12-01T00:00:00Z");
  }
  return {
    adminTokenSha256: hashes,
    ...(boot !== undefined && SHA256.test(boot) && { bootstrapTokenSha256: boot }),
    ...(expires !== undefined && { bootstrapExpiresAt: expires }),
  };
}

/** Reads settings at `at`, recording problems in `p`; undefined when any field failed. */
export function readHafenSettings(p: Problems, v: unknown, at: FieldPath): HafenSettings | undefined {
  const before = p.list.length;
  const obj = readRecord(p, v, at, "a mapping of Hafen runtime settings");
  if (!obj) return undefined;
  checkKeys(p, obj, at, KEYS);
  const role = oneOf(p, obj, "role", at, ROLES);
  const discovery = reqString(p, obj, "discovery", at, "the discovery token URL");
  const badDiscovery = discovery === undefined ? undefined : checkDiscoveryUrl(discovery);
  if (badDiscovery) p.add("invalid-value", [...at, "discovery"], discovery, badDiscovery);
  const store = oneOf(p, obj, "store", at, STORES);
  const metadata = readMetadata(p, obj["metadata"], [...at, "metadata"]);
  const ports = readPorts(p, obj["ports"], [...at, "ports"]);
  const name = readName(p, obj, at);
  const bindAddress = address(p, obj, "bindAddress", at) ?? HAFEN_DEFAULTS.bindAddress;
  const advertiseAddress = address(p, obj, "advertiseAddress", at);
  const auth = readAuth(p, obj["auth"], [...at, "auth"]);
  const bootstrapTokenFile = path(p, obj, "bootstrapTokenFile", at, false);
  const tls = readTls(p, obj["tls"], [...at, "tls"]);
  const dataDir = path(p, obj, "dataDir", at, false, HAFEN_DEFAULTS.dataDir);
  const launch = readLaunch(p, obj["launch"], [...at, "launch"]);
  const runtime = readRuntime(p, obj["runtime"], [...at, "runtime"]);
  const leaseTtlSeconds = readTtl(p, obj, at, store);
  if (p.list.length > before || !role || !discovery || !store || !dataDir || !launch) return undefined;
  return {
    role,
    discovery,
    store,
    metadata,
    ports,
    ...(name !== undefined && { name }),
    bindAddress,
    ...(advertiseAddress !== undefined && { advertiseAddress }),
    ...(auth && { auth }),
    ...(bootstrapTokenFile !== undefined && { bootstrapTokenFile }),
    ...(tls && { tls }),
    dataDir,
    launch,
    ...(runtime && { runtime }),
    leaseTtlSeconds,
  };
}

/** The runtime's entry point: validates parsed machine.json (or any settings object). */
export function parseHafenSettings(obj: unknown): Result<HafenSettings> {
  const p = new Problems();
  const s = readHafenSettings(p, obj, []);
  return s && p.empty ? ok(s) : fail(p.list);
}

/** The exact text of /etc/hafen/machine.json (compact: user data is scarce);
 *  `parseHafenSettings(JSON.parse(text))` gives `settings` back. */
export function settingsJson(settings: HafenSettings): string {
  return `${JSON.stringify(settings)}\n`;
}
