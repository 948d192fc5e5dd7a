// The thin Pulumi shell around machine.ts: waits for a machine's secrets and addresses,
// builds and renders its config, and returns it as a secret (it carries the bootstrap
// token and private keys). A config the machine layer refuses (e.g. over the provider's
// limit once the real certificates are in) fails the deployment with every problem.
import * as pulumi from "@pulumi/pulumi";
import type { Provider } from "../../machine";
import type { PoolContext } from "./context";
import { whenDefined } from "./known";
import { buildConfig, describeMachineProblems, machineInput, type MachineStatic } from "./machine";
import type { MachinePlan } from "./plan";
import type { MachineCert } from "./tls";

export interface MachineTls {
  /** The machine's own certificate, where the provider tells its addresses first. */
  readonly cert?: MachineCert;
  /** Deliver the CA key (control machines whose addresses are unknown in advance). */
  readonly caKey: boolean;
}

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

/** The rendered config of machine `m` (cloud-config or Ignition text), secret. */
export function machineUserData(ctx: PoolContext, m: MachinePlan, provider: Provider, t: MachineTls): pulumi.Output<string> {
  const st = machineStatic(ctx);
  // Values this machine does not need stand as "" (defined), so only needed ones can be missing.
  const values = pulumi.all([ctx.discoveryUrl, ctx.adminToken, ctx.bootstrapToken, ctx.caCertPem, ctx.runtime, t.caKey ? ctx.caKeyPem : "", t.cert?.certPem ?? "", t.cert?.keyPem ?? ""]);
  const text = values.apply(([discoveryUrl, adminToken, bootstrapToken, caCertPem, runtime, caKeyPem, certPem, keyPem]) =>
    whenDefined({ discoveryUrl, adminToken, bootstrapToken, caCertPem, runtime, caKeyPem, certPem, keyPem }, (v) => {
      const input = machineInput(st, m, {
        ...v,
        runtime: { url: v.runtime.url, sha256: v.runtime.sha256 },
        caKeyPem: t.caKey ? v.caKeyPem : undefined,
        certPem: t.cert ? v.certPem : undefined,
        keyPem: t.cert ? v.keyPem : undefined,
      });
      const r = buildConfig(input, ctx.configFormat, provider);
      if (!r.ok) throw new Error(describeMachineProblems(m.hostname, r.problems));
      return r.text;
    }),
  );
  return pulumi.secret(text);
}
