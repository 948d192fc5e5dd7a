// Two discovery policies:
// - hafen-discovery-controlled (advisory): production clusters bootstrap from a discovery
//   service the stack runs (`hafen discovery serve` on a machine it creates), not a
//   public one: a public service is outside the team's control and sees the cluster's
//   member addresses.
// - hafen-discovery-size (mandatory): all control machines of a cluster share one token,
//   created for exactly as many members as there are control machines. etcd waits until
//   `size` members registered (a larger size never forms a cluster) and takes only the
//   first `size` (the others exit with --discovery-fallback exit).
import { booleanField, defineConfig, stringsField } from "../core/config";
import { clustersOf, isControl, type ClusterView } from "../core/clusters";
import { discoveryUrls, hostOf, isLoopbackUrl, stackNames } from "../core/discovery";
import { stackPolicy, type ResourceView, type StackFinding } from "../core/policy";
import { isProduction, PRODUCTION_TAG } from "../core/production";
import { asNumber } from "../core/values";

const controlledConfig = defineConfig({
  production: booleanField(false, `Treat the stack as production (also: stack tag ${PRODUCTION_TAG}=true, or a Cluster's production: true).`),
  publicServices: stringsField(["discovery.etcd.io"], "Hosts of public discovery services (always flagged in production)."),
  trustedHosts: stringsField([], "Discovery hosts the team runs outside this stack (accepted)."),
});

function controlledFindings(cluster: ClusterView, resources: readonly ResourceView[], c: { publicServices: readonly string[]; trustedHosts: readonly string[] }): StackFinding[] {
  if (cluster.component?.facts.discovery?.managed) return [];
  const exclude = new Set(cluster.machines.map((m) => m.resource.urn));
  if (cluster.component) exclude.add(cluster.component.resource.urn);
  const urn = cluster.component?.resource.urn;
  return [...discoveryUrls(cluster).entries()].flatMap(([url, users]): StackFinding[] => {
    const host = hostOf(url);
    if (!host || isLoopbackUrl(url) || c.trustedHosts.map((h) => h.toLowerCase()).includes(host)) return [];
    const known = c.publicServices.map((h) => h.toLowerCase()).includes(host);
    if (!known && stackNames(host, resources, exclude)) return [];
    const why = known ? `${host} is a public discovery service` : `no resource of this stack creates ${host}`;
    return [{ ...(urn && { urn }), message: `production cluster "${cluster.name}" bootstraps from ${url} (${users.join(", ")}), but ${why}. Run \`hafen discovery serve\` on a machine this stack creates and point the cluster at it (or list a host the team runs in trustedHosts).` }];
  });
}

export const discoveryControlled = stackPolicy({
  name: "hafen-discovery-controlled",
  description: "Production clusters use a discovery service the stack controls, not a public one.",
  enforcementLevel: "advisory",
  remediationSteps: "Run `hafen discovery serve` on a machine the stack creates and use its token URL.",
  config: controlledConfig,
  check: (resources, c, ctx) =>
    clustersOf(resources)
      .filter((cl) => isProduction(c.production, ctx.stackTags, cl.component?.facts.production))
      .flatMap((cl) => controlledFindings(cl, resources, c)),
});

/** Sizes stated for a token URL: the Cluster's discovery.size, or a resource with {url, size}. */
function declaredSize(cluster: ClusterView, url: string, resources: readonly ResourceView[]): number | undefined {
  const facts = cluster.component?.facts.discovery;
  if (facts?.size !== undefined && (facts.url === undefined || facts.url === url)) return facts.size;
  for (const r of resources) {
    const size = asNumber(r.props["size"]);
    if (r.props["url"] === url && typeof size === "number") return size;
  }
  return undefined;
}

function sizeFindings(cluster: ClusterView, resources: readonly ResourceView[]): StackFinding[] {
  const urls = discoveryUrls(cluster);
  const urn = cluster.component?.resource.urn;
  const at = urn ? { urn } : {};
  if (urls.size > 1) {
    const list = [...urls.entries()].map(([u, ms]) => `${u} (${ms.join(", ")})`).join("; ");
    return [{ ...at, message: `cluster "${cluster.name}": its control machines use ${urls.size} different discovery tokens: ${list}. They would form separate etcd clusters; give every control machine the same token URL.` }];
  }
  const [url] = [...urls.keys()];
  if (!url) return [];
  const control = cluster.machines.filter(isControl);
  const members = control.length > 0 ? control.filter((m) => m.settings?.store !== "embedded").length : (cluster.component?.facts.controlCount ?? 0);
  const size = declaredSize(cluster, url, resources);
  if (size === undefined || members === 0 || size === members) return [];
  const effect = size > members ? `etcd waits for ${size} members and the cluster never forms` : `only the first ${size} members form the cluster and the others exit`;
  return [{ ...at, message: `cluster "${cluster.name}": discovery token ${url} was created for size ${size}, but ${members} control machine${members === 1 ? "" : "s"} run etcd; ${effect}. Create the token with size ${members} (hafen discovery new --size ${members} URL).` }];
}

export const discoverySize = stackPolicy({
  name: "hafen-discovery-size",
  description: "A cluster's control machines share one discovery token, sized for the control count.",
  enforcementLevel: "mandatory",
  remediationSteps: "Use one token per cluster, created with size = number of control machines.",
  config: defineConfig({}),
  check: (resources) => clustersOf(resources).flatMap((cl) => sizeFindings(cl, resources)),
});
