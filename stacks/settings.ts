// Configuration every cloud stack shares (Pulumi.yaml documents each key). Stacks use the
// package's public API only.
import * as pulumi from "@pulumi/pulumi";
import type * as hafen from "../index";

export interface CloudSettings {
  readonly sshAuthorizedKeys: string[];
  readonly discovery: hafen.DiscoveryArgs;
  readonly runtime: hafen.RuntimeBundleArgs;
  readonly operatorCidrs: string[];
}

export function cloudSettings(config = new pulumi.Config()): CloudSettings {
  return {
    sshAuthorizedKeys: [config.require("sshPublicKey")],
    discovery: config.get("discoveryUrl") !== undefined ? { url: config.requireSecret("discoveryUrl") } : { service: config.require("discoveryService") },
    runtime: { url: config.require("runtimeUrl"), sha256: config.require("runtimeSha256") },
    operatorCidrs: config.getObject<string[]>("operatorCidrs") ?? [],
  };
}

/** The stack outputs every program exports. */
export function outputsOf(cluster: hafen.Cluster) {
  return { endpoints: cluster.endpoints, machines: cluster.machines, discoveryUrl: cluster.discoveryUrl, clientConfig: cluster.clientConfig };
}
