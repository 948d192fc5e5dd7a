// Validation for a node pool constructed on its own (not through a Cluster): the pool's
// fields, the context's plain fields, and one machine rendered with placeholders so an
// oversized config fails at preview here too. (The Cluster has checked its pools already;
// repeating it costs a few milliseconds per pool and keeps one code path.)
import { isDeferred, isRecord, stringList } from "./read";
import type { PoolContext } from "./context";
import { LIMITS } from "./defaults";
import { poolMachines } from "./plan";
import { PLACEHOLDER } from "./placeholders";
import { previewRender } from "./preview-render";
import { Problems, refuse } from "./problems";
import { validatePool } from "./validate-pool";
import type { CloudProvider, PoolArgs } from "./types";

/** Arguments of every cloud node pool. */
export interface NodePoolArgs<P> {
  /** The cluster this pool joins (see PoolContext). */
  context: PoolContext;
  /** The pool itself. */
  pool: P;
}

export function checkContext(p: Problems, ctx: unknown): ctx is PoolContext {
  if (!isRecord(ctx)) {
    p.add("missing-field", ["context"], ctx, "context is required: the cluster's settings and secrets (see PoolContext)");
    return false;
  }
  if (typeof ctx["clusterName"] !== "string" || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(ctx["clusterName"])) {
    p.add("invalid-value", ["context", "clusterName"], ctx["clusterName"], "a cluster name: lowercase letters, digits and inner '-'");
  }
  const keys = stringList(p, ctx, "sshAuthorizedKeys", ["context"], "SSH public keys");
  if (!keys || keys.length === 0) p.add("missing-field", ["context", "sshAuthorizedKeys"], keys, "cloud machines need at least one SSH key for the core user");
  for (const k of ["discoveryUrl", "adminToken", "bootstrapToken", "caCertPem", "runtime"]) {
    if (ctx[k] === undefined) p.add("missing-field", ["context", k], undefined, `context.${k} is required`);
  }
  return p.empty;
}

/** Throws a ComponentArgsError naming every problem of a standalone pool. */
export function checkPoolArgs(component: string, provider: CloudProvider, args: NodePoolArgs<unknown>): void {
  const p = new Problems();
  const okCtx = checkContext(p, args?.context);
  const pool = isRecord(args?.pool) ? { ...args.pool, provider } : args?.pool;
  validatePool(p, pool, ["pool"], okCtx && args.context.publicApi === true);
  if (p.empty && okCtx) {
    const ctx = args.context;
    const plan = poolMachines(ctx.clusterName, 0, pool as PoolArgs, ctx.metadata ?? {});
    const sample = plan[plan.length - 1]!;
    if (sample.hostname.length > LIMITS.hostnameMax) p.add("invalid-value", ["pool", "name"], sample.hostname, `host name "${sample.hostname}" is longer than ${LIMITS.hostnameMax} characters`);
    const rt = isRecord(ctx.runtime) && typeof ctx.runtime["url"] === "string" && typeof ctx.runtime["sha256"] === "string" ? { url: ctx.runtime["url"], sha256: ctx.runtime["sha256"] } : PLACEHOLDER.runtime;
    const discoveryUrl = typeof ctx.discoveryUrl === "string" && !isDeferred(ctx.discoveryUrl) ? ctx.discoveryUrl : PLACEHOLDER.discoveryUrl();
    const st = { os: ctx.os, store: ctx.store, sshAuthorizedKeys: ctx.sshAuthorizedKeys, images: ctx.images, leaseTtlSeconds: ctx.leaseTtlSeconds };
    previewRender(p, { st, format: ctx.configFormat, discoveryUrl, runtime: rt }, { at: ["pool"], provider, machine: sample, poolMetadata: Object.keys((pool as PoolArgs).metadata ?? {}) });
  }
  refuse(component, p.list);
}

/** A pool's registered inputs: its shape, nothing secret (policies read these). */
export function poolSummary(ctx: PoolContext, pool: { name: string; role: string; count: number }, provider: CloudProvider): Record<string, unknown> {
  return { cluster: ctx.clusterName, provider, name: pool.name, role: pool.role, count: pool.count };
}
