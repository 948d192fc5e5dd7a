// `hafen.local`: machines on this computer for direct use (Cluster makes this itself).
export { NodePool, type LocalNodePoolArgs as NodePoolArgs } from "./node-pool";
export type { LocalPoolSettings as PoolSettings } from "../common/types";
