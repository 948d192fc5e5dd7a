// The machine-level check at preview: render one machine of each pool with placeholders
// of realistic size (see placeholders.ts) and report what the machine layer refuses —
// an oversized config, a malformed SSH key, an image not pinned by digest — at the
// cluster argument that caused it rather than at the machine model's path.
import { formatPath, type MachineProblem, type Provider } from "../../machine";
import { buildConfig, machineInput, type MachineStatic } from "./machine";
import { placeholderValues } from "./placeholders";
import type { MachinePlan } from "./plan";
import { Problems, type FieldPath } from "./problems";
import type { CloudProvider } from "./types";
import type { ConfigFormat } from "../../machine";

export interface PreviewPool {
  /** Path of the pool in the args, e.g. ["pools", 1]. */
  readonly at: FieldPath;
  readonly provider: CloudProvider;
  readonly machine: MachinePlan;
  /** Metadata keys the pool itself set (to tell pool metadata from cluster metadata). */
  readonly poolMetadata: readonly string[];
}

export interface PreviewContext {
  readonly st: MachineStatic;
  readonly format: ConfigFormat;
  readonly discoveryUrl: string;
  readonly runtime?: { readonly url: string; readonly sha256: string };
}

/** Where a problem in the machine model comes from in the cluster args. */
export function argPath(mp: MachineProblem, pool: PreviewPool): FieldPath {
  const [first, second, third] = mp.at;
  if (first === "sshAuthorizedKeys") return mp.at;
  if (first === "hostname") return [...pool.at, "name"];
  if (first !== "hafen") return [...pool.at, `(machine ${pool.machine.hostname}: ${formatPath(mp.at) || "config"})`];
  switch (second) {
    case "metadata":
      return typeof third === "string" && pool.poolMetadata.includes(third) ? [...pool.at, "metadata", third] : ["metadata", ...(third === undefined ? [] : [third])];
    case "leaseTtlSeconds":
    case "store":
    case "bootstrapExpiresAt":
      return [second];
    case "discovery":
      return ["discovery", "url"];
    case "runtime":
      return ["runtime", ...mp.at.slice(2)];
    case "launch":
      return third === "nodeImage" ? ["images", "node"] : third === "etcdImage" ? ["images", "etcd"] : ["os"];
    case "auth":
      return mp.at.includes("bootstrapExpiresAt") ? ["bootstrapExpiresAt"] : [...pool.at];
    default:
      return [...pool.at, `(machine ${pool.machine.hostname}: ${formatPath(mp.at)})`];
  }
}

/** Renders the pool's sample machine; records problems in `p` (deduplicated across pools). */
export function previewRender(p: Problems, ctx: PreviewContext, pool: PreviewPool): number | undefined {
  const values = placeholderValues({ discoveryUrl: ctx.discoveryUrl, ...(ctx.runtime && { runtime: ctx.runtime }) });
  const r = buildConfig(machineInput(ctx.st, pool.machine, values), ctx.format, pool.provider as Provider);
  if (r.ok) return r.bytes;
  for (const mp of r.problems) {
    const at = mp.code === "too-large" ? [...pool.at] : argPath(mp, pool);
    const code = mp.code === "too-large" ? "too-large" : mp.code === "conflict" ? "conflict" : "invalid-value";
    const message = mp.code === "too-large" ? `user data of ${pool.machine.hostname} (with placeholder secrets of realistic size): ${mp.message}` : mp.message;
    if (!p.list.some((x) => x.message === message && formatPath(x.at) === formatPath(at))) {
      p.list.push({ code, at: [...at], value: mp.value, message });
    }
  }
  return undefined;
}
