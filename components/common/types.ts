// The arguments of the Hafen components. Plain data describes the shape of the cluster
// (pools, counts, roles, names, OS): it must be known at preview so that validation and
// the user-data size check can run before anything is created. Cloud identifiers and
// secrets are `pulumi.Input`s.
//
// Arrays are mutable (`string[]`) and every type is an interface or a named string
// union on purpose: Pulumi's schema analyzer (multi-language components) accepts no
// other shapes. The discriminated union `PoolArgs` is the one exception; the
// multi-language face (components/plugin) flattens it.
import type * as pulumi from "@pulumi/pulumi";
import type { BareMetalMachineArgs, BootEndpointArgs, InstallArgs, PxeImageArgs } from "../baremetal/types";

// Closed sets as `const` objects plus a type of their values: the form Pulumi's schema
// analyzer turns into enums (a bare string-literal union is refused there). The values
// are exactly machine/'s MachineRole, OsFamily, ConfigFormat and StoreKind.

export const PoolRole = { Control: "control", Worker: "worker", Both: "both" } as const;
/** "control" and "both" run the API server; every machine runs the agent. */
export type PoolRole = (typeof PoolRole)[keyof typeof PoolRole];

export const PoolProvider = { Aws: "aws", DigitalOcean: "digitalocean", OpenStack: "openstack", Vsphere: "vsphere", BareMetal: "baremetal", Local: "local" } as const;
export type PoolProvider = (typeof PoolProvider)[keyof typeof PoolProvider];
export const POOL_PROVIDERS: readonly PoolProvider[] = Object.values(PoolProvider);
export type CloudProvider = Exclude<PoolProvider, "local">;

export const OsFamily = { Flatcar: "flatcar", FedoraCoreos: "fedora-coreos" } as const;
export type OsFamily = (typeof OsFamily)[keyof typeof OsFamily];

export const ConfigFormat = { CloudConfig: "cloud-config", Ignition: "ignition" } as const;
export type ConfigFormat = (typeof ConfigFormat)[keyof typeof ConfigFormat];

export const StoreKind = { Embedded: "embedded", Etcd: "etcd" } as const;
export type StoreKind = (typeof StoreKind)[keyof typeof StoreKind];

export const UnitDesiredState = { Inactive: "inactive", Loaded: "loaded", Launched: "launched" } as const;
export type UnitDesiredState = (typeof UnitDesiredState)[keyof typeof UnitDesiredState];

/** Settings every cloud pool has. */
export interface PoolBase {
  /**
   * Pool name: lowercase letters, digits and inner "-", unique in the cluster. Machines
   * are named `<cluster>-<pool>-<i>` (i from 1), which must fit a 63-character DNS label.
   */
  name: string;
  /** "control" and "both" run the API server (and an etcd member with store etcd); every machine runs the agent. */
  role: PoolRole;
  /** Machines in the pool, 1 to 1000. */
  count: number;
  /**
   * fleet metadata for every machine of the pool, on top of the cluster's `metadata`.
   * Hafen adds `provider`, `pool`, `region`/`zone` (where known); those keys are reserved.
   */
  metadata?: Record<string, string>;
  /** Overrides the cluster's `operatorCidrs` for this pool's firewall. */
  operatorCidrs?: string[];
}

/** An EC2 pool: instances in the given subnets behind the pool's security group. */
export interface AwsPoolSettings {
  /** EC2 instance type, e.g. "t3.small". */
  instanceType: pulumi.Input<string>;
  /** AMI id of a Flatcar or Fedora CoreOS image matching the cluster's `os`. */
  ami: pulumi.Input<string>;
  /** VPC of the subnets; the pool's security group lives there. */
  vpcId: pulumi.Input<string>;
  /** Subnets machines are spread over, round-robin (machine i in subnetIds[(i-1) % n]). */
  subnetIds: pulumi.Input<string>[];
  /** The availability zone of each subnet, parallel to subnetIds; becomes the `zone` metadata. Default: no zone metadata. */
  availabilityZones?: string[];
  /** Region name for the `region` metadata. Default: the aws provider's configured region, if any. */
  region?: string;
  /**
   * Attach an Elastic IP to every machine. Default true. Needed to reach the API from
   * outside the VPC and in multi-provider clusters (other clouds reach this pool by its
   * public addresses).
   */
  publicIp?: boolean;
  /** Root volume size in GiB. Default: the AMI's. */
  rootVolumeGb?: number;
  /** EC2 key pair name. Default none (keys travel in the user data). */
  keyName?: pulumi.Input<string>;
}

/** A DigitalOcean pool: Droplets tagged for the cluster, pool and role, behind a firewall. */
export interface DigitalOceanPoolSettings {
  /** Droplet size slug, e.g. "s-2vcpu-4gb". */
  size: pulumi.Input<string>;
  /** Region slug, e.g. "fra1"; also the `region` metadata. */
  region: string;
  /** Image slug or id of Flatcar/Fedora CoreOS (a custom image). */
  image: pulumi.Input<string>;
  /** VPC the Droplets join. Default: the region's default VPC. */
  vpcUuid?: pulumi.Input<string>;
  /** Extra tags for the Droplets (names must already be valid DigitalOcean tags). */
  tags?: string[];
}

/** An OpenStack pool: each instance boots on a port of its own carrying the pool's security group. */
export interface OpenStackPoolSettings {
  /** Nova flavor name. */
  flavorName: pulumi.Input<string>;
  /** Glance image name; give this or imageId. */
  imageName?: pulumi.Input<string>;
  /** Glance image id; give this or imageName. */
  imageId?: pulumi.Input<string>;
  /** Neutron network the ports are made on. */
  networkId: pulumi.Input<string>;
  /** Nova availability zone; also the `zone` metadata. */
  availabilityZone?: string;
  /** Region for the `region` metadata (and the resources). Default: the provider's. */
  region?: string;
  /** Extra security group ids for the ports, besides the pool's own. */
  secGroups?: pulumi.Input<string>[];
  /** External network (pool) to take a floating IP from for each machine. Default: none (private only). */
  floatingIpPool?: pulumi.Input<string>;
}

/** vCenter connection (see components/vsphere). */
export interface VsphereConnection {
  /** SDK endpoint, e.g. https://vcenter.example.com/sdk. */
  url: string;
  username: string;
  /** Keep it a Pulumi secret. */
  password: pulumi.Input<string>;
  /** Skip TLS verification. UNSAFE (lab vCenters only); conflicts with caPem. Default false. */
  insecure?: boolean;
  /** PEM of the CA that signed vCenter's certificate. Default: Node's trust store. */
  caPem?: string;
}

/** A vSphere pool: VMs cloned from a Flatcar/FCOS template, configs in guestinfo. */
export interface VspherePoolSettings {
  connection: VsphereConnection;
  datacenter: string;
  /** Template VM path under the datacenter's VM folder. */
  template: string;
  /** VM folder for the clones. Default: the datacenter's VM folder. */
  folder?: string;
  /** Cluster, host or resource pool under the datacenter's host folder. */
  resourcePool: string;
  /** Datastore. Default: the template's. */
  datastore?: string;
  /** Default 2. */
  numCpus?: number;
  /** MiB, a multiple of 4. Default 4096. */
  memoryMb?: number;
}

/** Machines on this computer, through the runtime's local launcher. No cloud account needed;
 *  cannot be mixed with cloud pools, at most one per cluster. */
export interface LocalPoolSettings {
  /** Pool name (see PoolBase.name). */
  name: string;
  /** Machines, 1 to 20. */
  count: number;
  /** How many of them run the API server: 1 (embedded store) or an odd number ≥ 3 (etcd). Default 1. */
  control?: number;
  /** fleet metadata for every machine. */
  metadata?: Record<string, string>;
  /** Directory holding the machines. Default ~/.hafen/pulumi/<project>-<stack>-<cluster>. */
  dir?: string;
}

/**
 * The operator's own machines, PXE-booted by a Hafen boot service (`hafen boot serve`,
 * components/baremetal/README.md). Machines are listed, not counted: each has a name
 * (host name `<cluster>-<pool>-<name>`) and the MAC it boots from, and gets the same
 * machine config a cloud machine of its role gets (the boot service renders it per
 * request). Nothing is managed on the network: admit what components/common/firewall.ts
 * lists. TypeScript only (not in the multi-language schema).
 */
export interface BareMetalPoolSettings {
  /** The boot service's API: base URL and a token from its --token-file (keep it a secret). */
  boot: pulumi.Input<BootEndpointArgs>;
  /** PXE images of the cluster's OS (`image.os` must equal the cluster's `os`). */
  image: PxeImageArgs;
  /** Config format served to the machines. Default: the cluster's `configFormat`. */
  format?: ConfigFormat;
  /** Install to this disk (default for every machine); absent = run from RAM. */
  install?: InstallArgs;
  /** Kernel arguments for every machine. Default none. */
  kernelArgs?: readonly string[];
  /**
   * The machines: name (1-32 of a-z 0-9 "-"), MAC, optionally UUID/serial, install and
   * kernel arguments, and `address` — required on control/both pools (the API endpoint)
   * and in clusters spanning providers (other clouds' firewalls admit it).
   */
  machines: readonly BareMetalMachineArgs[];
}

export interface AwsPool extends PoolBase, AwsPoolSettings {}
export interface DigitalOceanPool extends PoolBase, DigitalOceanPoolSettings {}
export interface OpenStackPool extends PoolBase, OpenStackPoolSettings {}
export interface VspherePool extends PoolBase, VspherePoolSettings {}

export interface AwsPoolArgs extends AwsPool {
  provider: "aws";
}
export interface DigitalOceanPoolArgs extends DigitalOceanPool {
  provider: "digitalocean";
}
export interface OpenStackPoolArgs extends OpenStackPool {
  provider: "openstack";
}
export interface VspherePoolArgs extends VspherePool {
  provider: "vsphere";
}
export interface LocalPoolArgs extends LocalPoolSettings {
  provider: "local";
}
/** A bare-metal pool of a Cluster: PoolBase without `count` (its machines are listed). */
export interface BareMetalPoolArgs extends Omit<PoolBase, "count">, BareMetalPoolSettings {
  provider: "baremetal";
}

/** One pool of a Cluster, by provider. */
export type PoolArgs = AwsPoolArgs | DigitalOceanPoolArgs | OpenStackPoolArgs | VspherePoolArgs | BareMetalPoolArgs | LocalPoolArgs;

/** Where machines find each other. Give exactly one of `url` and `service`. */
export interface DiscoveryArgs {
  /**
   * An existing token URL (https://HOST/<32 hex>) of a Hafen discovery service (`hafen
   * discovery serve`): besides etcd's protocol, control machines fetch the sealed CA key
   * from it, which a plain etcd discovery service cannot hold (publishing fails at
   * deployment naming the service). A secret: the token is a credential.
   */
  url?: pulumi.Input<string>;
  /** Base URL of a Hafen discovery service (`hafen discovery serve`); the cluster makes a DiscoveryToken there. */
  service?: string;
  /** PEM CA of the discovery service, when it uses a private CA. */
  ca?: string;
}

/** The runtime bundle machines fetch at boot and verify (design.md "How the runtime reaches a machine"). */
export interface RuntimeBundleArgs {
  /** http(s) URL, e.g. of an object the stack uploads to S3, Spaces or Swift. */
  url: pulumi.Input<string>;
  /** SHA-256 (64 hex) of the bundle; nothing runs an unverified bundle. */
  sha256: pulumi.Input<string>;
}

/** Container images, pinned by digest (NAME[:TAG]@sha256:<64 hex>). */
export interface ImageArgs {
  /** Node.js image the runtime runs in. Default: see components/common/defaults.ts. */
  node?: string;
  /** etcd image (binary at /usr/local/bin/etcd). Default: see components/common/defaults.ts. */
  etcd?: string;
}

export interface TlsArgs {
  /** CA certificate lifetime in hours. Default 87600 (10 years). Machine certificates are
   *  issued by the runtime at boot (1 year) and are not set here. */
  caValidityHours?: number;
  /**
   * Seconds the discovery service keeps the sealed CA key, 60 to 604800. Default 86400
   * (24 h). Control machines must make their first boot within it; add one later and
   * `pulumi up` publishes the key again first (see components/README.md "TLS").
   */
  sealedKeyTtlSeconds?: number;
}

/** A fleet unit the cluster runs (a `Unit` child of the Cluster). */
export interface ClusterUnitArgs {
  /** Unit name, e.g. "web@1.service". */
  name: string;
  /** Unit file text; checked with Hafen's unit lint at preview. */
  contents: string;
  /** Default "launched". */
  desiredState?: UnitDesiredState;
}

/** Cluster-wide settings (everything but the pools). */
export interface ClusterSettings {
  /** Where machines find each other: a DiscoveryToken the cluster makes at `service`, or an existing `url`. Required with cloud pools; local pools make their own. */
  discovery?: DiscoveryArgs;
  /** OS family of every machine. Default "flatcar". */
  os?: OsFamily;
  /** Machine config format. Default "cloud-config" on Flatcar, "ignition" on Fedora CoreOS (which boots Ignition only). */
  configFormat?: ConfigFormat;
  /** SSH keys for the `core` user. Required (at least one) with cloud pools; local pools ignore them. */
  sshAuthorizedKeys?: string[];
  /** fleet metadata for every machine. */
  metadata?: Record<string, string>;
  /**
   * fleet units to submit once the cluster is up (Unit children, after every machine).
   * Pulumi submits them from where it runs, over the API: `operatorCidrs` must admit that
   * address (or `publicApi`), else each Unit waits its waitSeconds (600) and fails.
   */
  units?: ClusterUnitArgs[];
  tls?: TlsArgs;
  /** Machine lease TTL in seconds (how fast a dead machine's units move). Default 5; at least 2 with store etcd. */
  leaseTtlSeconds?: number;
  /** Default: "embedded" with one control machine, "etcd" with three or more. "embedded" refuses more than one control machine. */
  store?: StoreKind;
  /** CIDRs allowed to reach the API (7480) and SSH (22). Default none: only cluster members. */
  operatorCidrs?: string[];
  /** Open the API port to 0.0.0.0/0. UNSAFE: anyone can then try tokens. Default false. */
  publicApi?: boolean;
  /**
   * A production cluster: at least 3 control machines (refused otherwise), and the policy
   * pack's production-only checks apply to it (policies/README.md). Default false.
   */
  production?: boolean;
  /** The runtime bundle; required with cloud pools until the package is published (then the npm tarball becomes the default). */
  runtime?: pulumi.Input<RuntimeBundleArgs>;
  images?: ImageArgs;
  /** ISO 8601 time after which the bootstrap (join) token is refused. Default: no expiry (rotate it by replacing the tokens). */
  bootstrapExpiresAt?: string;
}

export interface ClusterArgs extends ClusterSettings {
  /** Node pools; together they must hold 1 or an odd number ≥ 3 of control machines. */
  pools: PoolArgs[];
}

/** One machine as the Cluster and pools report it. */
export interface MachineInfo {
  name: string;
  provider: string;
  pool: string;
  role: string;
  publicIp: string;
  privateIp: string;
}

/** What `hafen --config FILE` reads (runtime/client/api.ts ClientConfig). */
export interface ClientConfigOutput {
  endpoint: string;
  token: string;
  ca?: string;
}
