// A configuration value the engine cannot run with: thrown by constructors, before any
// I/O, naming the option, the value given and what is accepted.
export class EngineOptionError extends Error {
  constructor(
    /** Which options object: "engine" or "leader". */
    readonly owner: string,
    readonly field: string,
    readonly value: unknown,
    readonly accepted: string,
  ) {
    super(`${owner} option ${field} ${String(value)} is not accepted; expected ${accepted}`);
    this.name = "EngineOptionError";
  }
}
