// A Cluster's bare-metal pool: a baremetal.NodePool whose machine models are exactly what
// a cloud machine of the same role gets (common/userdata.ts machineModel, rendered by the
// boot service per request), named `<cluster>-<pool>-<name>`, written to the boot
// service after the cluster's sealed CA key exists.
import type * as pulumi from "@pulumi/pulumi";
import type { PoolContext } from "../common/context";
import { planPool } from "../common/pool-parts";
import type { BareMetalPoolArgs } from "../common/types";
import { machineModel } from "../common/userdata";
import { NodePool } from "./node-pool";

/** `name` is `<cluster>-<pool>`: the boot service's group and profile names start with it. */
export function clusterBareMetalPool(self: pulumi.ComponentResource, name: string, ctx: PoolContext, pool: Omit<BareMetalPoolArgs, "provider">): NodePool {
  const plan = planPool(ctx, { ...pool, provider: "baremetal" });
  return new NodePool(
    name,
    {
      boot: pool.boot,
      image: pool.image,
      format: pool.format ?? ctx.configFormat,
      ...(pool.install && { install: pool.install }),
      ...(pool.kernelArgs && { kernelArgs: pool.kernelArgs }),
      machines: pool.machines,
      role: pool.role,
      poolName: name,
      poolLabel: pool.name,
      hostnames: plan.map((m) => m.hostname),
      machine: (_m, i) => machineModel(ctx, plan[i]!, "baremetal"),
      ...(ctx.machinesDependOn && { machinesDependOn: ctx.machinesDependOn }),
    },
    { parent: self },
  );
}
