// Public face of the vSphere piece: the SOAP client, guestinfo helpers, the VM dynamic
// resource and its provider. Everything else in this folder is internal.
export { VsphereClient, type ConnectOptions, type ClientDeps, type WaitOptions } from "./client";
export type { CloneOptions, HardwareChange } from "./specs";
export { VsphereError, describeProblem, isFault, type MoRef, type PowerState, type VmInfo, type VsphereProblem, type InventoryKind } from "./types";
export { guestinfoFor, configFromGuestinfo, guestinfoKeys, type GuestinfoFormat, type GuestinfoEncoding, type GuestinfoOptions } from "./guestinfo";
export { checkVmInputs, diffVm, inventoryPaths, type VmInputs, type VmOutputs, type VsphereConnectionArgs } from "./vm-inputs";
export { vmProvider, type VmProviderOptions } from "./vm-provider";
export { VsphereVm, type VsphereVmArgs } from "./vm";
