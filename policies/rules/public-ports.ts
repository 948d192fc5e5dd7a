// hafen-no-public-cluster-ports (mandatory): etcd, the Hafen API, the agents' port and
// the boot service must not be reachable from the whole internet. etcd's client port
// gives full read/write access to cluster state to anyone who reaches it; the peer port
// lets a stranger join the Raft group. The discovery service (7482) is token-protected
// and may be public, so it is not in the default list.
import { integerMapField, defineConfig } from "../core/config";
import { sourceField, worldExposures, type NamedPort } from "../core/ingress";
import { spanText } from "../core/net";
import { label, resourcePolicy } from "../core/policy";
import { FIREWALL_TYPES } from "../core/types";

export const CLUSTER_PORTS: Readonly<Record<string, number>> = {
  "etcd-client": 2379,
  "etcd-peer": 2380,
  "hafen-api": 7480,
  "hafen-agent": 7481,
  "hafen-boot": 7483,
};

const config = defineConfig({
  ports: integerMapField(CLUSTER_PORTS, 1, 65535, "Ports that must not be open to 0.0.0.0/0 or ::/0, by name (the name appears in messages)."),
});

export const namedPorts = (m: Readonly<Record<string, number>>): NamedPort[] => Object.entries(m).map(([name, port]) => ({ name, port }));

export const publicClusterPorts = resourcePolicy({
  name: "hafen-no-public-cluster-ports",
  description: "No security group, firewall or rule opens etcd (2379/2380), the Hafen API (7480), agent (7481) or boot (7483) ports to 0.0.0.0/0 or ::/0.",
  enforcementLevel: "mandatory",
  remediationSteps: "Narrow the rule's sources to the cluster's private network or the pools' own addresses.",
  config,
  types: FIREWALL_TYPES,
  check: (r, c) =>
    worldExposures(r.type, r.props, namedPorts(c.ports)).map((e) => {
      const at = e.rule.where ? ` ${e.rule.where}` : "";
      const what = e.ports.map((p) => `${p.name} (${p.port})`).join(", ");
      const proto = e.rule.protocol === "all" ? "all protocols" : "tcp";
      return `${label(r)}${at}: ${proto}, ${spanText(e.span)} from ${e.world.join(", ")} exposes ${what} to the whole internet. Set ${sourceField(r.type)} to the cluster's private network (e.g. 10.0.0.0/16) or the pools' addresses; only the discovery service (7482) may be public.`;
    }),
});
