// The bare-metal pool's preview check: its boot-service documents built for every
// machine — placeholder secrets of realistic size in the very machine model the pool
// will serve — and validated by the boot service's own validator (buildPoolDocs), so an
// image URL, install option or kernel argument the service would refuse fails
// `pulumi preview` naming the pool and machine. The image must be the cluster's OS.
import { buildPoolDocs } from "../baremetal/pool-docs";
import { buildConfig, machineInput, type MachineStatic } from "./machine";
import { placeholderValues } from "./placeholders";
import type { MachinePlan } from "./plan";
import type { Problems } from "./problems";
import type { BareMetalPoolArgs, ConfigFormat, OsFamily } from "./types";
import type { Machine } from "../../machine";

export interface BareMetalPreview {
  readonly cluster: string;
  readonly os: OsFamily;
  readonly format: ConfigFormat;
  readonly st: MachineStatic;
  readonly discoveryUrl: string;
  readonly runtime?: { readonly url: string; readonly sha256: string };
}

export function previewBareMetal(p: Problems, c: BareMetalPreview, index: number, pool: BareMetalPoolArgs, plan: readonly MachinePlan[]): void {
  const at = ["pools", index];
  if (pool.image.os !== c.os) {
    p.add("conflict", [...at, "image", "os"], pool.image.os, `the cluster's machines run ${c.os}; give PXE images of ${c.os} (or set the cluster's os)`);
    return;
  }
  const values = placeholderValues({ discoveryUrl: c.discoveryUrl, ...(c.runtime && { runtime: c.runtime }) });
  const models: Machine[] = [];
  for (const m of plan) {
    const r = buildConfig(machineInput(c.st, m, values), pool.format ?? c.format, "baremetal");
    if (!r.ok) return; // the cloud-style sample render (preview-render.ts) reports it
    models.push(r.machine);
  }
  const spec = { ...pool, poolName: `${c.cluster}-${pool.name}`, format: pool.format ?? c.format };
  const r = buildPoolDocs(spec, models);
  if (r.ok) return;
  for (const problem of r.problems) {
    const message = problem.startsWith("poolName:") ? `the boot service names groups "<cluster>-<pool>-<machine>" and needs "${spec.poolName}" to be 1-32 lowercase letters, digits and inner "-": shorten the cluster or pool name` : `boot service documents: ${problem}`;
    p.add("invalid-value", problem.startsWith("poolName:") ? [...at, "name"] : at, problem.startsWith("poolName:") ? pool.name : undefined, message);
  }
}
