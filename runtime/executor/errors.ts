// What executor operations reject with. A closed set of codes, so the agent can tell a
// unit's own failure (report it, keep going) from a broken executor (retry, alarm).
export type ExecutorErrorCode =
  | "invalid-unit" // load(): the unit name or an option cannot even be stored
  | "not-loaded" // start() of a unit load() never saw (or unload() removed)
  | "bad-setting" // start() of a unit whose options have problems (loadState "error")
  | "start-failed" // a start-pre / oneshot / exec-type main command failed or timed out
  | "start-limit-hit" // StartLimitBurst= starts within StartLimitIntervalSec=
  | "cancelled" // stop(), unload() or close() ended the start job
  | "command-failed" // systemd executor: systemctl/journalctl failed
  | "closed"; // the executor was closed

export class ExecutorError extends Error {
  override readonly name = "ExecutorError";
  constructor(
    readonly code: ExecutorErrorCode,
    /** The unit concerned, "" when none. */
    readonly unit: string,
    message: string,
  ) {
    super(message);
  }
}

export function isExecutorError(e: unknown): e is ExecutorError {
  return e instanceof ExecutorError;
}
