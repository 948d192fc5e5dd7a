// PoolSpec (the multi-language, flat form of a pool) → PoolArgs (TypeScript's union).
// A known provider whose settings block is missing becomes an entry without those
// settings, so the Cluster's validation names each missing field under `pools[i]`;
// an unknown provider passes through for the same reason.
import { isRecord } from "../common/read";
import type { PoolArgs } from "../common/types";

const BLOCKS = ["aws", "digitalocean", "openstack", "vsphere", "local"] as const;

export function toPoolArgs(specs: unknown): PoolArgs[] {
  if (!Array.isArray(specs)) return specs as PoolArgs[];
  return specs.map((spec: unknown) => {
    if (!isRecord(spec)) return spec as PoolArgs;
    const provider = spec["provider"];
    const { aws: _a, digitalocean: _d, openstack: _o, vsphere: _v, local: _l, ...base } = spec;
    const block = typeof provider === "string" && (BLOCKS as readonly string[]).includes(provider) ? spec[provider] : undefined;
    return { ...base, ...(isRecord(block) ? block : {}) } as unknown as PoolArgs;
  });
}
