// The scheduling engine's public face. A server runs one Engine; tools and tests may call
// the pure scheduler directly.
export { EngineOptionError } from "./errors";
export { Engine, type EngineEvent, type EngineMetrics, type EngineOptions } from "./engine";
export type { PassReport, Trigger } from "./session";
export { DEFAULT_LEADER_TTL_SECONDS, LeaderElection, type LeaderEvent, type LeaderOptions, type Term } from "./leader";
export { decide, matchesMetadata } from "./decide";
export { schedMachine, schedUnit } from "./adapter";
export { formatMetadata } from "./reasons";
export { NO_RULES, type Decision, type Rules, type SchedMachine, type SchedUnit, type Snapshot } from "./model";
