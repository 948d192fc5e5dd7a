// The contract every CLI command implements. One command, one file (runtime/cli/*.ts);
// main.ts only dispatches. Commands write to the streams they are given and return an
// exit code instead of calling process.exit, so tests can run them in-process.
import type { Writable } from "node:stream";

export interface CommandContext {
  /** Arguments after the command words, e.g. for `hafen unit lint a b` → ["a", "b"]. */
  readonly args: readonly string[];
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface Command {
  /** The words that select the command, e.g. ["unit", "lint"] or ["list-units"]. */
  readonly words: readonly string[];
  /** One line for `hafen help`. */
  readonly summary: string;
  /** Usage text shown by `--help` and after a usage error. */
  readonly usage: string;
  run(ctx: CommandContext): Promise<number>;
}

/** Thrown by argument parsing; main prints the message and the usage and exits 1. */
export class UsageError extends Error {}
