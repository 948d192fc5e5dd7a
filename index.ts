// Hafen's public face: `import * as hafen from "hafen"`.
//   hafen.Cluster, hafen.aws.NodePool, …, hafen.baremetal.NodePool, hafen.DiscoveryToken,
//   hafen.SealedSecret, hafen.Unit      — Pulumi components
//   hafen.ApiClient                     — the fleet v1 API client (what the CLI uses)
//   hafen.loadMachine / render          — machine configs without Pulumi
//   hafen.lintUnit                      — the unit checks the components apply
// Everything else is internal and may change.
export * from "./components";
export { ApiClient, type ClientConfig, type FleetMachine, type FleetUnit, type FleetUnitState } from "./runtime/client/api";
export { loadMachine, render, renderCloudConfig, renderIgnition, measure, LIMITS, type Machine, type MachineInput, type Rendered, type RenderOptions } from "./machine";
export { lintUnit, parseUnit, toOptions, type UnitOption, type UnitProblem } from "./units";
