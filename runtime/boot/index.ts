// The boot service's public face: the server, its data model and validation, the pure
// answers (for tests and tools) and the API client. Everything else is internal.
export { AssetStore } from "./assets";
export { startBootServer, checkPublicUrl, allowList, type BootServer, type BootServerOptions, type Logger } from "./server";
export { answerMachine, MACHINE_PATHS, type MachinePath, type MachineReply } from "./answer";
export { chainScript, machineScript, MAX_CMDLINE } from "./ipxe";
export { installUnit, installerConfig, INSTALL_UNIT } from "./install";
export { matchGroup } from "./match";
export { buildDataSet, type SourceDoc, type AssetIndex } from "./data-set";
export { loadDataDir } from "./loader";
export { parseDataFile } from "./yaml-file";
export { LoadError, type Change as StoreChange } from "./store";
export { parseTokenFile, sha256Hex } from "./auth";
export { normalizeMac, normalizeUuid, normalizeHostname, normalizeSerial, parseMachineQuery, selectorQuery, SELECTOR_KEYS, type Selectors } from "./selectors";
export type { BootData, BootSpec, Group, Profile, ImageRef, FlatcarInstall, FcosInstall } from "./model";
export { formatBootProblem, problemJson, type BootProblem, type BootProblemCode } from "./problems";
export { machineData, type MachineData } from "./machine-data";
export { applyChange, listDocs, bootStatus, putAsset, bootRequest, BootApiError, type BootEndpoint, type Change, type BootStatus } from "./client";
