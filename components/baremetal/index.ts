// Public face of the bare-metal piece: the node pool, the BootMachines resource and its
// provider, and the pure document builder (for tools and tests).
export { NodePool, type NodePoolArgs, type BareMetalMachineInfo } from "./node-pool";
export { BootMachines, type BootMachinesArgs } from "./boot-machines";
export { bootMachinesProvider, diffBootMachines, parseDocuments, type BootDocuments, type BootMachinesInputs, type BootMachinesOutputs } from "./provider";
export { buildPoolDocs, poolDocuments, checkPoolSpec, docName, type PoolDocs } from "./pool-docs";
export type { BareMetalMachineArgs, BootEndpointArgs, InstallArgs, PoolSpec, PxeImageArgs, PxeImageSource } from "./types";
