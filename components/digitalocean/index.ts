// `hafen.digitalocean`: the Droplet node pool for direct use (Cluster makes these itself).
export { NodePool, type DigitalOceanNodePoolArgs as NodePoolArgs } from "./node-pool";
export type { DigitalOceanPool as PoolArgs, DigitalOceanPoolSettings as PoolSettings } from "../common/types";
