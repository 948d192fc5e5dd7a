// Validation of a whole Cluster's arguments, before any resource exists: every problem
// is collected with its field path, then the Cluster throws one error naming them all.
// On success the arguments come back resolved (defaults filled in) for the pools.
import { isDeferred, isRecord, intIn, metadataMap, oneOf, optBool, optString, stringList, wrongType, type Obj } from "./read";
import { DEFAULT_IMAGES, defaultFormat, LIMITS, NAME_RE, TLS_DEFAULTS } from "./defaults";
import { controlCount, defaultStore, poolMachines, RESERVED_METADATA } from "./plan";
import { PLACEHOLDER } from "./placeholders";
import { previewRender } from "./preview-render";
import { previewBareMetal } from "./preview-baremetal";
import { Problems, type ComponentProblem, type FieldPath } from "./problems";
import { validateUnits } from "./validate-units";
import { checkServiceUrl } from "../discovery/inputs";
import { SEALED_TTL } from "../discovery/sealed-inputs";
import { operatorCidrs, poolIsSound, validatePool } from "./validate-pool";
import type { ClusterArgs, ClusterUnitArgs, DiscoveryArgs, PoolArgs, RuntimeBundleArgs } from "./types";
import type { ConfigFormat, OsFamily, StoreKind } from "./types";
import type * as pulumi from "@pulumi/pulumi";

export interface ResolvedCluster {
  readonly name: string;
  readonly pools: readonly PoolArgs[];
  /** True when the only pool is a local one (the launcher makes tokens, CA and discovery). */
  readonly local: boolean;
  readonly os: OsFamily;
  readonly format: ConfigFormat;
  readonly store: StoreKind;
  readonly control: number;
  readonly sshAuthorizedKeys: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly leaseTtlSeconds: number;
  readonly operatorCidrs: readonly string[];
  readonly publicApi: boolean;
  readonly images: { readonly node: string; readonly etcd: string };
  readonly tls: { readonly caValidityHours: number; readonly sealedKeyTtlSeconds: number };
  /** Marked production: at least 3 control machines (the policy pack reads it too). */
  readonly production: boolean;
  readonly bootstrapExpiresAt?: string;
  readonly discovery?: DiscoveryArgs;
  readonly runtime?: pulumi.Input<RuntimeBundleArgs>;
  readonly units: readonly ClusterUnitArgs[];
}

export type Validated<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly ComponentProblem[] };

const OS: readonly OsFamily[] = ["flatcar", "fedora-coreos"];

function clusterName(p: Problems, name: unknown): void {
  if (typeof name !== "string" || !NAME_RE.test(name) || name.length > 40) {
    p.add("invalid-value", ["(name)"], name, "the Cluster's resource name becomes part of host names and tags: lowercase letters, digits and inner '-', at most 40 characters");
  }
}

/** 1 (embedded, no fault tolerance) or an odd number ≥ 3; 2 and 4 add no tolerance over 1 and 3. */
export function quorumProblem(control: number): string | undefined {
  if (control === 0) return 'the cluster has no control machines; give a pool role "control" or "both" (1, 3, 5, … machines in all)';
  if (control % 2 === 1) return undefined;
  const below = control - 1;
  return `${control} control machines tolerate as many failures as ${below} (a Raft quorum of ${control} is ${control / 2 + 1}), so ${control} is refused: use ${below} or ${control + 1}`;
}

/** The last part of the pool's longest host name: its count, or its longest machine name. */
function longestSuffix(o: Obj): string {
  const ms = o["machines"];
  if (o["provider"] === "baremetal" && Array.isArray(ms)) return ms.map((m) => (isRecord(m) && typeof m["name"] === "string" ? m["name"] : "")).reduce((a, b) => (b.length > a.length ? b : a), "");
  return String(typeof o["count"] === "number" ? o["count"] : 1);
}

function checkPools(p: Problems, list: readonly Obj[], publicApi: boolean, cluster: string): PoolArgs[] {
  const seen = new Map<string, number>();
  list.forEach((o, i) => {
    validatePool(p, o, ["pools", i], publicApi);
    const name = o["name"];
    if (typeof name !== "string") return;
    if (seen.has(name)) p.add("duplicate", ["pools", i, "name"], name, `pool name "${name}" is also pools[${seen.get(name)}].name; pool names must be unique`);
    else seen.set(name, i);
    const longest = `${cluster}-${name}-${longestSuffix(o)}`;
    if (longest.length > LIMITS.hostnameMax) {
      p.add("invalid-value", ["pools", i, "name"], name, `host name "${longest}" is longer than ${LIMITS.hostnameMax} characters; shorten the cluster or pool name`);
    }
  });
  return list.filter((_, i) => poolIsSound(p, ["pools", i])) as unknown as PoolArgs[];
}

function topology(p: Problems, pools: readonly PoolArgs[], all: readonly Obj[]): void {
  const locals = all.map((o, i) => [o, i] as const).filter(([o]) => o["provider"] === "local");
  if (locals.length > 0 && locals.length < all.length) {
    p.add("conflict", ["pools", locals[0]![1], "provider"], "local", "a local pool cannot be mixed with cloud pools in one Cluster (local machines listen on 127.0.0.1 only)");
  }
  if (locals.length > 1) p.add("conflict", ["pools", locals[1]![1], "provider"], "local", "at most one local pool per Cluster (it holds every local machine; use count and control)");
  const control = pools.filter((x) => x.provider !== "local" && x.role !== "worker");
  const providers = [...new Set(control.map((x) => x.provider))];
  if (providers.length > 1) {
    const other = control.find((x) => x.provider !== providers[0]) as unknown as Obj;
    p.add("conflict", ["pools", all.indexOf(other), "provider"], providers[1], `control pools are on ${providers.join(" and ")}; etcd peers talk only inside one provider's private network, so put every control pool on one provider (workers may be anywhere)`);
  }
  const cloud = new Set(pools.filter((x) => x.provider !== "local").map((x) => x.provider));
  if (cloud.size > 1) {
    pools.forEach((x) => {
      const at = ["pools", all.indexOf(x as unknown as Obj)];
      if (x.provider === "aws" && x.publicIp === false) p.add("conflict", [...at, "publicIp"], false, "this cluster spans providers, so machines on other clouds reach this pool by public address: publicIp must be true");
      if (x.provider === "openstack" && x.floatingIpPool === undefined) p.add("missing-field", [...at, "floatingIpPool"], undefined, "this cluster spans providers, so machines on other clouds reach this pool by public address: give floatingIpPool");
      // (Control pools require every address already: validate-baremetal.ts.)
      if (x.provider === "baremetal" && x.role === "worker") {
        x.machines.forEach((m, i) => {
          if (!m.address) p.add("missing-field", [...at, "machines", i, "address"], m.address, "this cluster spans providers, so the other clouds' firewalls admit this machine by address: give the address they see it from");
        });
      }
    });
  }
}

function quorumAndStore(p: Problems, pools: readonly PoolArgs[], all: readonly Obj[], a: Obj): { control: number; store?: StoreKind } {
  const control = controlCount(pools);
  const bad = pools.length === all.length ? quorumProblem(control) : undefined;
  if (bad) {
    const contributing = pools.filter((x) => (x.provider === "local" ? true : x.role !== "worker"));
    const only = contributing.length === 1 ? all.indexOf(contributing[0] as unknown as Obj) : -1;
    const field = { local: "control", baremetal: "machines" }[contributing[0]?.provider as string] ?? "count";
    const at: FieldPath = only < 0 ? ["pools"] : ["pools", only, field];
    p.add("quorum", at, control, bad);
  }
  const store = oneOf(p, a, "store", [], ["embedded", "etcd"] as const, defaultStore(control));
  if (store === "embedded" && control > 1) p.add("conflict", ["store"], store, `the embedded store lives in one server process; ${control} control machines need store "etcd" (the default for more than one)`);
  return { control, ...(store && { store }) };
}

function osAndFormat(p: Problems, a: Obj): { os?: OsFamily; format?: ConfigFormat } {
  const os = oneOf(p, a, "os", [], OS, "flatcar");
  const format = os ? oneOf(p, a, "configFormat", [], ["cloud-config", "ignition"] as const, defaultFormat(os)) : undefined;
  if (os === "fedora-coreos" && format === "cloud-config") p.add("conflict", ["configFormat"], format, 'Fedora CoreOS boots Ignition only; use configFormat "ignition" (the default there) or os "flatcar"');
  return { ...(os && { os }), ...(format && { format }) };
}

function discoveryArgs(p: Problems, a: Obj, needed: boolean): DiscoveryArgs | undefined {
  const d = a["discovery"];
  if (d === undefined) {
    if (needed) p.add("missing-field", ["discovery"], d, "discovery is required with cloud pools: {service: <Hafen discovery base URL>} to make a token, or {url: <token URL>}");
    return undefined;
  }
  if (!isRecord(d)) return wrongType(p, ["discovery"], d, "a mapping {service} or {url}");
  if ((d["url"] === undefined) === (d["service"] === undefined)) {
    p.add("conflict", ["discovery"], d, "give exactly one of discovery.url (an existing token URL) and discovery.service (make a DiscoveryToken there)");
  }
  const service = optString(p, d, "service", ["discovery"], "the discovery service's base URL");
  const bad = service === undefined ? undefined : checkServiceUrl(service);
  if (bad) p.add("invalid-value", ["discovery", "service"], service, bad);
  if (d["url"] !== undefined && typeof d["url"] !== "string" && !isDeferred(d["url"])) wrongType(p, ["discovery", "url"], d["url"], "a token URL string (or an Output of one)");
  optString(p, d, "ca", ["discovery"], "PEM of the discovery service's CA");
  return d as DiscoveryArgs;
}

function cloudNeeds(p: Problems, a: Obj, cloud: boolean): string[] {
  const keys = (stringList(p, a, "sshAuthorizedKeys", [], "SSH public keys") ?? []).filter((k): k is string => typeof k === "string");
  if (!cloud) return keys;
  if (keys.length === 0 && p.list.every((x) => x.at[0] !== "sshAuthorizedKeys")) {
    p.add("missing-field", ["sshAuthorizedKeys"], a["sshAuthorizedKeys"], "cloud machines need at least one SSH key for the core user (ssh-ed25519 AAAA… or ssh-rsa AAAA…)");
  }
  const rt = a["runtime"];
  if (rt === undefined) p.add("missing-field", ["runtime"], rt, "cloud machines fetch the runtime bundle at boot: give runtime {url, sha256} (e.g. an object the stack uploads) until the package is published");
  else if (!isRecord(rt) && !isDeferred(rt)) wrongType(p, ["runtime"], rt, "a mapping {url, sha256}");
  return keys;
}

function plainRuntime(rt: unknown): { url: string; sha256: string } | undefined {
  if (!isRecord(rt)) return undefined;
  const url = typeof rt["url"] === "string" ? rt["url"] : PLACEHOLDER.runtime.url;
  const sha256 = typeof rt["sha256"] === "string" ? rt["sha256"] : PLACEHOLDER.runtime.sha256;
  return { url, sha256 };
}

function images(p: Problems, a: Obj): { node: string; etcd: string } {
  const i = a["images"];
  if (i !== undefined && !isRecord(i)) wrongType(p, ["images"], i, "a mapping {node, etcd}");
  const o = isRecord(i) ? i : {};
  return { node: optString(p, o, "node", ["images"], "an image pinned by digest") ?? DEFAULT_IMAGES.node, etcd: optString(p, o, "etcd", ["images"], "an image pinned by digest") ?? DEFAULT_IMAGES.etcd };
}

function tls(p: Problems, a: Obj): ResolvedCluster["tls"] {
  const t = a["tls"];
  if (t !== undefined && !isRecord(t)) wrongType(p, ["tls"], t, "a mapping {caValidityHours, sealedKeyTtlSeconds}");
  const o = isRecord(t) ? t : {};
  if (o["certValidityHours"] !== undefined) {
    p.add("invalid-value", ["tls", "certValidityHours"], o["certValidityHours"], "machine certificates are no longer made by Pulumi: each machine's runtime issues its own at boot (valid 1 year; a new one when it no longer fits the machine); remove certValidityHours");
  }
  const ca = intIn(p, o, "caValidityHours", ["tls"], 24, 876_000, TLS_DEFAULTS.caValidityHours) ?? TLS_DEFAULTS.caValidityHours;
  const ttl = intIn(p, o, "sealedKeyTtlSeconds", ["tls"], SEALED_TTL.minSeconds, SEALED_TTL.maxSeconds, SEALED_TTL.defaultSeconds) ?? SEALED_TTL.defaultSeconds;
  return { caValidityHours: ca, sealedKeyTtlSeconds: ttl };
}

/** Validates and resolves a Cluster's arguments. */
export function validateCluster(name: string, args: ClusterArgs | unknown): Validated<ResolvedCluster> {
  const p = new Problems();
  clusterName(p, name);
  if (!isRecord(args)) {
    wrongType(p, [], args, "a mapping with pools, discovery, sshAuthorizedKeys, …");
    return { ok: false, problems: p.list };
  }
  const a = args;
  const publicApi = optBool(p, a, "publicApi", []) ?? false;
  const production = optBool(p, a, "production", []) ?? false;
  const rawPools = a["pools"];
  const all: Obj[] = Array.isArray(rawPools) ? rawPools.map((x) => (isRecord(x) ? x : ({} as Obj))) : [];
  if (!Array.isArray(rawPools)) p.add(rawPools === undefined ? "missing-field" : "wrong-type", ["pools"], rawPools, "pools is required: a list of node pools, each {provider, name, role, count, …}");
  else if (rawPools.length === 0) p.add("invalid-value", ["pools"], rawPools, "give at least one pool");
  if (Array.isArray(rawPools)) rawPools.forEach((x, i) => !isRecord(x) && wrongType(p, ["pools", i], x, "a pool mapping"));
  const pools = checkPools(p, all, publicApi, typeof name === "string" ? name : "cluster");
  const cloud = all.some((o) => o["provider"] !== "local");
  const local = all.length > 0 && !cloud;
  topology(p, pools, all);
  const { control, store } = quorumAndStore(p, pools, all, a);
  if (production && control > 0 && control < 3 && p.list.every((x) => x.code !== "quorum")) {
    p.add("conflict", ["production"], true, `a production cluster needs at least 3 control machines (it has ${control}): with one, losing it stops the cluster. Use 3 or 5, or drop production`);
  }
  const { os, format } = osAndFormat(p, a);
  const keys = cloudNeeds(p, a, cloud);
  const discovery = discoveryArgs(p, a, cloud);
  operatorCidrs(p, a, "operatorCidrs", [], publicApi);
  const metadata = metadataMap(p, a, "metadata", [], RESERVED_METADATA);
  const leaseTtlSeconds = intIn(p, a, "leaseTtlSeconds", [], 1, 3600, 5) ?? 5;
  const units = validateUnits(p, a["units"]);
  const resolved: ResolvedCluster = {
    name,
    pools,
    local,
    os: os ?? "flatcar",
    format: format ?? "cloud-config",
    store: store ?? "embedded",
    control,
    sshAuthorizedKeys: keys,
    metadata,
    leaseTtlSeconds,
    operatorCidrs: (stringList(new Problems(), a, "operatorCidrs", [], "") ?? []) as string[],
    publicApi,
    production,
    images: images(p, a),
    tls: tls(p, a),
    ...(typeof a["bootstrapExpiresAt"] === "string" && { bootstrapExpiresAt: a["bootstrapExpiresAt"] }),
    ...(discovery && { discovery }),
    ...(a["runtime"] !== undefined && { runtime: a["runtime"] as pulumi.Input<RuntimeBundleArgs> }),
    units,
  };
  if (p.empty && cloud) previewPools(p, resolved);
  return p.empty ? { ok: true, value: resolved } : { ok: false, problems: p.list };
}

/** Renders one machine per pool with placeholders: size limits and machine-level checks. */
function previewPools(p: Problems, c: ResolvedCluster): void {
  const d = c.discovery;
  const discoveryUrl = typeof d?.url === "string" ? d.url : PLACEHOLDER.discoveryUrl(d?.service);
  const runtime = plainRuntime(c.runtime);
  const st = { os: c.os, store: c.store, sshAuthorizedKeys: c.sshAuthorizedKeys, images: c.images, leaseTtlSeconds: c.leaseTtlSeconds, ...(c.bootstrapExpiresAt !== undefined && { bootstrapExpiresAt: c.bootstrapExpiresAt }) };
  c.pools.forEach((pool, i) => {
    if (pool.provider === "local") return;
    const machines = poolMachines(c.name, i, pool, c.metadata);
    const sample = machines[machines.length - 1]!;
    const format = pool.provider === "baremetal" ? (pool.format ?? c.format) : c.format;
    previewRender(p, { st, format, discoveryUrl, ...(runtime && { runtime }) }, { at: ["pools", i], provider: pool.provider, machine: sample, poolMetadata: Object.keys(pool.metadata ?? {}) });
    if (pool.provider === "baremetal") previewBareMetal(p, { cluster: c.name, os: c.os, format: c.format, st, discoveryUrl, ...(runtime && { runtime }) }, i, pool, machines);
  });
}
