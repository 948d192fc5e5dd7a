// hafen-control-count (mandatory): a cluster has 1 control machine (embedded store, no
// fault tolerance) or an odd number ≥ 3 (etcd), and at least 3 in production. etcd needs
// a majority: 2 members tolerate no failure (like 1) and 4 tolerate one (like 3), so an
// even count only adds a machine that can break quorum; Hafen refuses 2 and 4
// (design.md "Control machines").
import { booleanField, defineConfig } from "../core/config";
import { clustersOf, controlCount, isControl, names, type ClusterView } from "../core/clusters";
import { stackPolicy, type StackFinding } from "../core/policy";
import { isProduction, PRODUCTION_TAG } from "../core/production";

const config = defineConfig({
  production: booleanField(false, `Treat the stack as production (also: stack tag ${PRODUCTION_TAG}=true, or a Cluster's production: true).`),
});

function describe(c: ClusterView, count: number, from: "machines" | "component"): string {
  if (from === "component") return `cluster "${c.name}" declares controlCount ${count}`;
  return `cluster "${c.name}" has ${count} control machine${count === 1 ? "" : "s"} (${names(c.machines.filter(isControl))})`;
}

export const controlCountPolicy = stackPolicy({
  name: "hafen-control-count",
  description: "Control machines: 1 or an odd number, at least 3 in production stacks.",
  enforcementLevel: "mandatory",
  remediationSteps: "Use 1 (development) or 3, 5, 7 control machines; production needs at least 3.",
  config,
  check: (resources, c, ctx) =>
    clustersOf(resources).flatMap((cluster): StackFinding[] => {
      const counted = controlCount(cluster);
      if (!counted || counted.count === 0) return [];
      const { count, from } = counted;
      const urn = cluster.component?.resource.urn;
      const at = urn ? { urn } : {};
      const what = describe(cluster, count, from);
      if (count % 2 === 0) {
        return [{ ...at, message: `${what}: an even number adds no fault tolerance (etcd needs a majority; ${count} members survive as many failures as ${count - 1}) and Hafen refuses it. Use ${count - 1} or ${count + 1}.` }];
      }
      if (count < 3 && isProduction(c.production, ctx.stackTags, cluster.component?.facts.production)) {
        return [{ ...at, message: `${what}, but the stack is production: with one control machine, losing it stops the cluster. Use 3 (or 5) control machines, or drop the production marking (stack tag ${PRODUCTION_TAG}, config production, Cluster production).` }];
      }
      return [];
    }),
});
