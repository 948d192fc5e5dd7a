// The thin Pulumi shell around machine.ts: waits for the cluster's secrets, builds and
// renders a machine's config, and returns it as a secret (it carries the bootstrap
// token). A config the machine layer refuses (e.g. over the provider's limit once the
// real values are in) fails the deployment with every problem.
import * as pulumi from "@pulumi/pulumi";
import type { Machine, Provider } from "../../machine";
import type { PoolContext } from "./context";
import { whenDefined } from "./known";
import { buildConfig, describeMachineProblems, machineInput, type BuildResult, type MachineStatic } from "./machine";
import type { MachinePlan } from "./plan";

export function machineStatic(ctx: PoolContext): MachineStatic {
  return {
    os: ctx.os,
    store: ctx.store,
    sshAuthorizedKeys: ctx.sshAuthorizedKeys,
    images: ctx.images,
    leaseTtlSeconds: ctx.leaseTtlSeconds,
    ...(ctx.bootstrapExpiresAt !== undefined && { bootstrapExpiresAt: ctx.bootstrapExpiresAt }),
  };
}

function built(ctx: PoolContext, m: MachinePlan, provider: Provider): pulumi.Output<BuildResult & { ok: true }> {
  const st = machineStatic(ctx);
  const values = pulumi.all([ctx.discoveryUrl, ctx.adminToken, ctx.bootstrapToken, ctx.caCertPem, ctx.runtime]);
  return values.apply(([discoveryUrl, adminToken, bootstrapToken, caCertPem, runtime]) =>
    whenDefined({ discoveryUrl, adminToken, bootstrapToken, caCertPem, runtime }, (v) => {
      const input = machineInput(st, m, { ...v, runtime: { url: v.runtime.url, sha256: v.runtime.sha256 } });
      const r = buildConfig(input, ctx.configFormat, provider);
      if (!r.ok) throw new Error(describeMachineProblems(m.hostname, r.problems));
      return r;
    }),
  );
}

/** The rendered config of machine `m` (cloud-config or Ignition text), secret. */
export function machineUserData(ctx: PoolContext, m: MachinePlan, provider: Provider): pulumi.Output<string> {
  return pulumi.secret(built(ctx, m, provider).apply((r) => r.text));
}

/** The machine model itself (validated), for pools that render elsewhere (bare metal: the boot service renders per request). Secret. */
export function machineModel(ctx: PoolContext, m: MachinePlan, provider: Provider): pulumi.Output<Machine> {
  return pulumi.secret(built(ctx, m, provider).apply((r) => r.machine));
}
