// `hafen journal [-f] [--lines N] [--machine M] UNIT`: a unit's last output lines from
// the machine running it, like `fleetctl journal`. With -f it keeps polling and prints
// new lines until interrupted (SIGINT), or until the injected signal aborts (tests).
import { UsageError, type Command, type CommandContext } from "./command";
import { parseFlags } from "./flags";
import { clientCommand } from "./client/command-kit";
import { CLIENT_FLAGS, CLIENT_USAGE, connect } from "./client/connect";
import { newLines } from "./client/follow";
import { resolveMachine, resolveOneUnit } from "./client/lookup";
import { cleanCell } from "./client/table";
import type { ApiClient } from "../client/api";
import { ApiError } from "../client/transport";

const usage = `Usage: hafen journal [-f|--follow] [--lines N] [--machine M] [--json] UNIT

Prints the last lines of a unit's output, from the machine running it.

  -f, --follow        keep printing new lines until interrupted (Ctrl-C)
  --lines N           lines to show first, 0 to 10000 (default 10)
  --machine M         for a global unit: the machine (id, id prefix or name)
${CLIENT_USAGE}`;

/** Lines fetched per poll while following (see client/follow.ts). */
const FOLLOW_WINDOW = 1000;

export interface JournalDeps {
  readonly pollMs: number;
  /** Ends `-f`; by default SIGINT while following. */
  readonly signal?: AbortSignal;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

const realJournalDeps: JournalDeps = {
  pollMs: 500,
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    }),
};

function parseLines(text: string | undefined): number {
  const t = text ?? "10";
  const n = /^[0-9]{1,5}$/.test(t) ? Number(t) : NaN;
  if (!(n >= 0 && n <= 10_000)) throw new UsageError(`--lines ${JSON.stringify(t)}: expected a whole number from 0 to 10000`);
  return n;
}

function printer(ctx: CommandContext, json: boolean) {
  return (machineID: string, lines: readonly string[]) => {
    for (const line of lines) ctx.stdout.write(json ? `${JSON.stringify({ machineID, line })}\n` : `${cleanCell(line)}\n`);
  };
}

async function follow(api: ApiClient, unit: string, machine: string | undefined, n: number, print: ReturnType<typeof printer>, deps: JournalDeps, signal: AbortSignal): Promise<void> {
  let prev = await api.journal(unit, FOLLOW_WINDOW, machine);
  print(prev.machineID, n === 0 ? [] : prev.lines.slice(-n));
  while (!signal.aborted) {
    await deps.sleep(deps.pollMs, signal);
    if (signal.aborted) break;
    const next = await api.journal(unit, FOLLOW_WINDOW, machine);
    const moved = next.machineID !== prev.machineID;
    const fresh = newLines(moved ? [] : prev.lines, next.lines);
    // Nothing lines up (rotated journal, or the unit moved): show the last N, not 1000.
    print(next.machineID, moved || !fresh.overlap ? fresh.lines.slice(-Math.max(n, 1)) : fresh.lines);
    prev = next;
  }
}

/** The server asks for a machineID when a global unit runs on several: name our flag. */
function withMachineHint(err: unknown): unknown {
  if (err instanceof ApiError && err.status === 409 && /pass machineID/.test(err.message)) {
    return new ApiError(err.status, `${err.message}\nhint: choose one with --machine (id, id prefix or name; see \`hafen status\`)`);
  }
  return err;
}

export function makeJournal(deps: JournalDeps = realJournalDeps): Command {
  return clientCommand({
    words: ["journal"],
    summary: "print a unit's output (-f to follow)",
    usage,
    async run(ctx: CommandContext): Promise<number> {
      const flags = { ...CLIENT_FLAGS, follow: { type: "boolean", short: "f" }, lines: { type: "string" }, machine: { type: "string" } } as const;
      const { values, positionals } = parseFlags(ctx.args, flags);
      if (positionals.length !== 1) throw new UsageError("expected exactly one UNIT");
      const n = parseLines(values.lines);
      const api = await connect(values, ctx.env, ctx.cwd);
      const unit = await resolveOneUnit(api, positionals[0]!);
      const machine = values.machine !== undefined ? await resolveMachine(api, values.machine) : undefined;
      const print = printer(ctx, values.json === true);
      if (!values.follow) {
        const r = await api.journal(unit, n, machine).catch((err: unknown) => {
          throw withMachineHint(err);
        });
        if (values.json) ctx.stdout.write(`${JSON.stringify({ unit, machineID: r.machineID, lines: r.lines }, null, 2)}\n`);
        else print(r.machineID, r.lines);
        return 0;
      }
      const own = deps.signal ? undefined : new AbortController();
      const onSigint = () => own?.abort();
      if (own) process.once("SIGINT", onSigint);
      try {
        await follow(api, unit, machine, n, print, deps, deps.signal ?? own!.signal).catch((err: unknown) => {
          throw withMachineHint(err);
        });
      } finally {
        if (own) process.removeListener("SIGINT", onSigint);
      }
      return 0;
    },
  });
}

export const journal = makeJournal();
