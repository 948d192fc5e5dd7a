// The public launcher for local clusters: the CLI's `hafen local …` commands and the
// Pulumi local node pool use these, nothing else of runtime/local.
export { localUp, localDown, localStatus, localKill, localStart, LocalClusterError } from "./cluster";
export type { LocalUpOptions, LocalClusterInfo, LocalMachineInfo, UpProgress } from "./cluster";
export { defaultClusterDir } from "./layout";
