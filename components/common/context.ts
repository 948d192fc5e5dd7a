// What a cloud node pool needs from its cluster: the shared settings (plain, known at
// preview) and the shared secrets (Outputs). The Cluster builds it; a program that adds
// a pool to an existing cluster builds it from that cluster's stack outputs.
import type * as pulumi from "@pulumi/pulumi";
import type { ConfigFormat, OsFamily, StoreKind } from "./types";
import type { PortName } from "./firewall";
import type { MachineInfo, PoolProvider, PoolRole, RuntimeBundleArgs } from "./types";

/** Images pinned by digest (NAME[:TAG]@sha256:<64 hex>). */
export interface PinnedImages {
  node: string;
  etcd: string;
}

export interface PoolContext {
  /** Cluster name: host names `<cluster>-<pool>-<i>`, tags. */
  clusterName: string;
  os: OsFamily;
  configFormat: ConfigFormat;
  store: StoreKind;
  /** SSH keys for the core user; at least one. */
  sshAuthorizedKeys: string[];
  /** Cluster-wide fleet metadata. Default none. */
  metadata?: Record<string, string>;
  /** The discovery token URL (secret). */
  discoveryUrl: pulumi.Input<string>;
  /** The admin token (secret); machines receive only its SHA-256. */
  adminToken: pulumi.Input<string>;
  /** The bootstrap (join) token (secret); machines receive it in /etc/hafen/bootstrap-token. */
  bootstrapToken: pulumi.Input<string>;
  /** ISO 8601 expiry of the bootstrap token. Default none. */
  bootstrapExpiresAt?: string;
  /** The cluster CA certificate (public). Its key never travels in a config: control
   *  machines fetch it sealed from the discovery service (see `machinesDependOn`). */
  caCertPem: pulumi.Input<string>;
  /** The runtime bundle machines fetch and verify at boot. */
  runtime: pulumi.Input<RuntimeBundleArgs>;
  /** Images pinned by digest. */
  images: PinnedImages;
  /** Machine lease TTL in seconds. */
  leaseTtlSeconds: number;
  /** CIDRs allowed to SSH and the API. */
  operatorCidrs: string[];
  /** Open the API to 0.0.0.0/0 (unsafe). */
  publicApi: boolean;
  /**
   * Resources every machine of the pool is created after. The Cluster puts its sealed CA
   * key here (a control machine fetches it at first boot). A program adding a pool to an
   * existing cluster passes nothing: the key is published already (or `pulumi up` of the
   * cluster's stack publishes it again once it has expired). Default none.
   */
  machinesDependOn?: pulumi.Resource[];
}

/** A firewall source outside the pool: another pool on the same provider, or addresses. */
export type PeerSource =
  /** Security group id (AWS), remote group id (OpenStack) or member tag (DigitalOcean) of a same-provider pool. */
  | { readonly kind: "group"; readonly ref: pulumi.Input<string>; readonly name: string }
  /** Public addresses of a pool on another provider, one per machine. */
  | { readonly kind: "addresses"; readonly ips: readonly pulumi.Input<string>[]; readonly name: string };

export interface PeerRule {
  readonly port: PortName;
  readonly source: PeerSource;
}

/** What the Cluster sees of any pool. */
export interface NodePoolHandle {
  readonly provider: PoolProvider;
  readonly poolName: string;
  readonly role: PoolRole;
  /** Every machine, in pool order. */
  readonly machines: pulumi.Output<MachineInfo[]>;
  /** Public address of each machine ("" when it has none), in pool order. */
  readonly publicIps: pulumi.Output<string>[];
  /** Private address of each machine, in pool order. */
  readonly privateIps: pulumi.Output<string>[];
  /** How same-provider pools name this one in firewall rules; undefined where no firewall is managed. */
  readonly peerRef?: pulumi.Output<string>;
  /** Adds ingress rules whose sources are other pools (the Cluster wires these). */
  allowPeers(rules: readonly PeerRule[]): void;
}
