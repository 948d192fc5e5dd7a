// A bare-metal pool → the boot service's documents: per machine one group (selected by
// its MAC, plus UUID/serial when given) and one profile (the pool's PXE images, kernel
// arguments, install choice, and the machine's own description). Pure: the documents
// are validated here with the service's own validator (buildDataSet), so a pool the
// service would refuse fails at preview with the argument path named.
import type { Machine } from "../../machine";
import { buildDataSet, formatBootProblem, machineData, normalizeMac, type SourceDoc } from "../../runtime/boot";
import type { BareMetalMachineArgs, PoolSpec, PxeImageSource } from "./types";

export interface PoolDocs {
  readonly groups: Record<string, Record<string, unknown>>;
  readonly profiles: Record<string, Record<string, unknown>>;
}

export type PoolDocsResult = { readonly ok: true; readonly docs: PoolDocs } | { readonly ok: false; readonly problems: readonly string[] };

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

export const docName = (pool: string, machine: string) => `${pool}-${machine}`;

function image(src: PxeImageSource): Record<string, unknown> {
  return "asset" in src ? { asset: src.asset, sha256: src.sha256 } : { url: src.url, sha256: src.sha256 };
}

function bootDoc(spec: PoolSpec, m: BareMetalMachineArgs): Record<string, unknown> {
  const install = m.install === false ? undefined : m.install ?? spec.install;
  const img = spec.image;
  return {
    os: img.os,
    kernel: image(img.kernel),
    initrd: img.initrd.map(image),
    ...(img.os === "fedora-coreos" && { rootfs: image(img.rootfs) }),
    args: [...(spec.kernelArgs ?? []), ...(m.kernelArgs ?? [])],
    ...(install && { install: { ...install } }),
  };
}

/** The group and profile documents for every machine (no validation). */
export function poolDocuments(spec: PoolSpec, models: readonly Machine[]): PoolDocs {
  const groups: Record<string, Record<string, unknown>> = {};
  const profiles: Record<string, Record<string, unknown>> = {};
  spec.machines.forEach((m, i) => {
    const name = docName(spec.poolName, m.name);
    groups[name] = {
      description: `Hafen bare-metal pool ${spec.poolName}, machine ${m.name} (managed by Pulumi)`,
      profile: name,
      selector: { mac: m.mac, ...(m.uuid !== undefined && { uuid: m.uuid }), ...(m.serial !== undefined && { serial: m.serial }) },
      metadata: { pool: spec.poolName, machine: m.name },
    };
    profiles[name] = {
      description: `Hafen bare-metal pool ${spec.poolName}, machine ${m.name} (managed by Pulumi)`,
      boot: bootDoc(spec, m),
      config: { format: spec.format ?? "ignition", machine: machineData(models[i]!) },
    };
  });
  return { groups, profiles };
}

/** Problems with the pool's own arguments, each naming its argument path. */
export function checkPoolSpec(spec: PoolSpec, modelCount: number): string[] {
  const out: string[] = [];
  if (!NAME.test(spec.poolName)) out.push(`poolName: ${JSON.stringify(spec.poolName)} must be 1-32 lowercase letters, digits and inner "-"`);
  if (spec.machines.length === 0) out.push("machines: give at least one machine");
  if (modelCount !== spec.machines.length) out.push(`machine: ${modelCount} machine models for ${spec.machines.length} machines; give one per machine`);
  const names = new Map<string, number>();
  const macs = new Map<string, number>();
  spec.machines.forEach((m, i) => {
    if (!NAME.test(m.name)) out.push(`machines[${i}].name: ${JSON.stringify(m.name)} must be 1-32 lowercase letters, digits and inner "-"`);
    else if (names.has(m.name)) out.push(`machines[${i}].name: ${m.name} is also machines[${names.get(m.name)}].name`);
    else names.set(m.name, i);
    const mac = normalizeMac(m.mac);
    if ("error" in mac) out.push(`machines[${i}].mac: ${mac.error}`);
    else if (macs.has(mac.value)) out.push(`machines[${i}].mac: ${m.mac} is also machines[${macs.get(mac.value)}].mac`);
    else macs.set(mac.value, i);
  });
  return out;
}

/** Maps a problem in `profiles/<pool>-<m>.json` back to the machine argument it comes from. */
function where(spec: PoolSpec, file: string | undefined): string {
  const name = file?.replace(/^(groups|profiles)\//, "").replace(/\.json$/, "");
  const i = spec.machines.findIndex((m) => docName(spec.poolName, m.name) === name);
  return i < 0 ? "pool" : `machines[${i}] (${spec.machines[i]!.name})`;
}

/** Builds and validates the documents exactly as the boot service will. Cached assets
 *  are taken at their declared SHA-256 here; the service checks them for real. */
export function buildPoolDocs(spec: PoolSpec, models: readonly Machine[]): PoolDocsResult {
  const own = checkPoolSpec(spec, models.length);
  if (own.length) return { ok: false, problems: own };
  const docs = poolDocuments(spec, models);
  const source: SourceDoc[] = [
    ...Object.entries(docs.groups).map(([name, value]) => ({ kind: "group" as const, name, file: `groups/${name}.json`, value })),
    ...Object.entries(docs.profiles).map(([name, value]) => ({ kind: "profile" as const, name, file: `profiles/${name}.json`, value })),
  ];
  const assets = new Map<string, { sha256: string }>();
  const img = spec.image;
  for (const s of [img.kernel, ...img.initrd, ...(img.os === "fedora-coreos" ? [img.rootfs] : [])]) if ("asset" in s) assets.set(s.asset, { sha256: s.sha256.toLowerCase() });
  const r = buildDataSet(source, assets);
  if (r.ok) return { ok: true, docs };
  return {
    ok: false,
    problems: r.problems.map(({ file, line: _line, ...inFile }) => `${where(spec, file)}: ${formatBootProblem(inFile)}`),
  };
}
