// `hafen.baremetal`: the bare-metal node pool (PXE through a Hafen boot service) and the
// BootMachines resource under it, for direct use; a Cluster takes bare metal as a pool
// `{provider: "baremetal", …}`. (components/baremetal/index.ts is the folder's own face.)
export { NodePool, type NodePoolArgs, type BareMetalMachineInfo as MachineInfo } from "./baremetal/node-pool";
export { BootMachines, type BootMachinesArgs } from "./baremetal/boot-machines";
export type { BareMetalMachineArgs as MachineArgs, BootEndpointArgs, InstallArgs, PxeImageArgs, PxeImageSource } from "./baremetal/types";
export type { BareMetalPoolArgs as PoolArgs, BareMetalPoolSettings as PoolSettings } from "./common/types";
