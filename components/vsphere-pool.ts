// `hafen.vsphere`: the vSphere node pool and the VM resource under it, for direct use.
// (components/vsphere/index.ts is the SOAP client's own face; this is the package's.)
export { NodePool, type VsphereNodePoolArgs as NodePoolArgs } from "./vsphere/node-pool";
export { VsphereVm as Vm, type VsphereVmArgs as VmArgs } from "./vsphere";
export type { VspherePool as PoolArgs, VspherePoolSettings as PoolSettings, VsphereConnection as Connection } from "./common/types";
