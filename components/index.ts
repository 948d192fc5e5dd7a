// The components' public face: the Cluster, the pools (one namespace per provider), the
// DiscoveryToken and Unit resources, their argument types, and the errors they throw.
// Everything else under components/ is internal.
export { Cluster } from "./cluster";
export { DiscoveryToken, type DiscoveryTokenArgs } from "./discovery/token";
export { SealedSecret, type SealedSecretArgs } from "./discovery/sealed";
export { Unit, type UnitArgs, type UnitClusterArgs, type UnitOptionArgs } from "./unit/unit";
export * as aws from "./aws";
export * as digitalocean from "./digitalocean";
export * as openstack from "./openstack";
export * as vsphere from "./vsphere-pool";
export * as baremetal from "./baremetal-pool";
export * as local from "./local";
export type {
  ClusterArgs,
  ClusterSettings,
  ClusterUnitArgs,
  ClientConfigOutput,
  DiscoveryArgs,
  ImageArgs,
  MachineInfo,
  PoolArgs,
  PoolBase,
  BareMetalPoolArgs,
  RuntimeBundleArgs,
  TlsArgs,
} from "./common/types";
export { PoolRole, PoolProvider, OsFamily, ConfigFormat, StoreKind, UnitDesiredState } from "./common/types";
export type { PoolContext, PinnedImages, NodePoolHandle, PeerRule, PeerSource } from "./common/context";
export { ComponentArgsError, formatProblem, type ComponentProblem, type ComponentProblemCode } from "./common/problems";
export { DEFAULT_IMAGES } from "./common/defaults";
