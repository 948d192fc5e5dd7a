// The machine layer's public face: the model, its loader, the renderers and the size
// limits. Everything not listed here is internal to machine/.
export type {
  DropIn,
  FileContents,
  FileSpec,
  HafenSettings,
  Launch,
  Machine,
  MachineRole,
  OsFamily,
  StoreKind,
  ContainerEngine,
  UnitCommand,
  UnitSpec,
  User,
} from "./model";
export { HAFEN_DEFAULTS, UNIT_COMMANDS, OS_FAMILIES } from "./model";
export type { FieldPath, MachineProblem, MachineProblemCode, Result } from "./problems";
export { formatPath, formatProblem } from "./problems";
export { loadMachine, type MachineInput } from "./load";
export { parseMachineYaml, renderMachineYaml } from "./machine-yaml";
export { parseHafenSettings, settingsJson } from "./hafen";
export { hafenParts, SETTINGS_PATH, ETCD_ENV_PATH, BUNDLE_PATH } from "./hafen-units";
export { expandMachine, type ExpandedMachine } from "./expand";
export { renderCloudConfig } from "./cloud-config";
export { parseCloudConfig } from "./parse-cloud-config";
export { renderIgnition, ignitionPointer, IGNITION_VERSION } from "./ignition";
export { measure, LIMITS, PROVIDERS, FORMATS, type ConfigFormat, type Measurement, type Provider, type ProviderLimit } from "./limits";
export { render, type RenderOptions, type Rendered } from "./render";
