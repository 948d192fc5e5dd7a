// The executors' public face: the contract, its errors, the three executors and a
// factory that picks one from configuration. Everything else in this folder is internal.
import { ProcessExecutor, type ProcessExecutorOptions } from "./process/executor";
import { RecordingExecutor, type RecordingExecutorOptions } from "./recording";
import { SystemdExecutor, type SystemdExecutorOptions } from "./systemd";
import type { Executor } from "./types";

export type { ActiveState, Executor, ExecutorEvent, LoadState, UnitOption, UnitSpec, UnitStatus } from "./types";
export { ExecutorError, isExecutorError, type ExecutorErrorCode } from "./errors";
export { ProcessExecutor, type ProcessExecutorOptions, localHostFacts } from "./process/executor";
export { RecordingExecutor, type RecordingExecutorOptions, type RecordedCall } from "./recording";
export { SystemdExecutor, type SystemdExecutorOptions } from "./systemd";
export { execRunner, type CommandRunner, type RunResult } from "./systemd/runner";
export { compileUnit, type CompiledUnit, type ServiceConfig } from "./service-config";
export { formatExecProblem, type ExecProblem, type ExecProblemCode } from "./problems";

/** Which executor a machine uses; local machines take "process", cloud machines "systemd". */
export type ExecutorConfig =
  | ({ readonly kind: "process" } & ProcessExecutorOptions)
  | ({ readonly kind: "systemd" } & SystemdExecutorOptions)
  | ({ readonly kind: "recording" } & RecordingExecutorOptions);

export function createExecutor(config: ExecutorConfig): Executor {
  switch (config.kind) {
    case "process":
      return new ProcessExecutor(config);
    case "systemd":
      return new SystemdExecutor(config);
    case "recording":
      return new RecordingExecutor(config);
    default: {
      const _never: never = config;
      return _never;
    }
  }
}
