// `hafen.openstack`: the Nova node pool for direct use (Cluster makes these itself).
export { NodePool, type OpenStackNodePoolArgs as NodePoolArgs } from "./node-pool";
export type { OpenStackPool as PoolArgs, OpenStackPoolSettings as PoolSettings } from "../common/types";
