// `hafen.aws`: the EC2 node pool for direct use (Cluster makes these itself).
export { NodePool, type AwsNodePoolArgs as NodePoolArgs } from "./node-pool";
export type { AwsPool as PoolArgs, AwsPoolSettings as PoolSettings } from "../common/types";
