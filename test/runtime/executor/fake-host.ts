// A scripted ProcessHost for the process executor's unit tests: processes are records
// whose fate a `behave` function decides, time is a ManualClock. No process is spawned;
// a behaviour's `lines` are appended to the spawn's output file, as a process would.
import { appendFileSync } from "node:fs";
import type { ChildHandle, ProcessHost, SpawnHooks, SpawnOutcome, SpawnSpec } from "../../../runtime/executor/process/host";
import type { ExitStatus } from "../../../runtime/executor/process/outcome";
import { ManualClock } from "../../../runtime/clock";

export type Behaviour =
  | { readonly kind: "exit"; readonly code: number; readonly afterMs?: number; readonly lines?: readonly string[] }
  | { readonly kind: "run"; readonly ignore?: readonly NodeJS.Signals[]; readonly lines?: readonly string[] }
  | { readonly kind: "fail-exec" }
  | { readonly kind: "fail-output" };

export class FakeProcess {
  status: ExitStatus | undefined;
  readonly signals: string[] = [];
  readonly exit: Promise<ExitStatus>;
  private resolveExit: (s: ExitStatus) => void = () => undefined;

  constructor(
    readonly pid: number,
    readonly spec: SpawnSpec,
    readonly ignore: readonly NodeJS.Signals[],
  ) {
    this.exit = new Promise((r) => (this.resolveExit = r));
  }

  get alive(): boolean {
    return this.status === undefined;
  }

  die(status: ExitStatus): void {
    if (!this.alive) return;
    this.status = status;
    this.resolveExit(status);
  }

  signal(sig: NodeJS.Signals): void {
    this.signals.push(sig);
    if (!this.alive || sig === "SIGCONT" || this.ignore.includes(sig)) return;
    this.die({ code: null, signal: sig });
  }
}

export class FakeHost implements ProcessHost {
  readonly clock = new ManualClock(1_000_000);
  readonly processes: FakeProcess[] = [];
  readonly files = new Map<string, string>();
  readonly dirs = new Set<string>(["/", "/srv"]);
  readonly missing = new Set<string>();
  private nextPid = 100;

  constructor(public behave: (argv: readonly string[]) => Behaviour = () => ({ kind: "run" })) {}

  /** argv of every spawn, in order. */
  get spawned(): string[][] {
    return this.processes.map((p) => [...p.spec.argv]);
  }

  byArgv0(argv0: string): FakeProcess[] {
    return this.processes.filter((p) => p.spec.argv[0] === argv0);
  }

  async spawn(spec: SpawnSpec, hooks: SpawnHooks): Promise<SpawnOutcome> {
    const b = this.behave(spec.argv);
    if (b.kind === "fail-exec") return { ok: false, stage: "exec", error: "EACCES: permission denied" };
    if (b.kind === "fail-output") return { ok: false, stage: "output", error: `${spec.output}: ENOSPC: no space left on device` };
    const p = new FakeProcess(this.nextPid++, spec, b.kind === "run" ? (b.ignore ?? []) : []);
    this.processes.push(p);
    hooks.onPid(p.pid);
    if (b.lines?.length) appendFileSync(spec.output, b.lines.map((l) => `${l}\n`).join(""));
    if (b.kind === "exit") {
      if (b.afterMs) this.clock.setTimeout(() => p.die({ code: b.code, signal: null }), b.afterMs);
      else queueMicrotask(() => p.die({ code: b.code, signal: null }));
    }
    const child: ChildHandle = { pid: p.pid, exit: p.exit };
    return { ok: true, child };
  }

  signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
    return this.signalProcess(pgid, signal);
  }

  signalProcess(pid: number, signal: NodeJS.Signals): boolean {
    const p = this.processes.find((x) => x.pid === pid);
    if (!p || !p.alive) return false;
    p.signal(signal);
    return true;
  }

  groupAlive(pgid: number): boolean {
    return this.processes.some((p) => p.pid === pgid && p.alive);
  }

  isExecutable = async (path: string): Promise<boolean> => !this.missing.has(path) && (path.startsWith("/usr/bin/") || path.startsWith("/bin/"));
  isDirectory = async (path: string): Promise<boolean> => this.dirs.has(path);
  readText = async (path: string): Promise<string | undefined> => this.files.get(path);
  listDirectory = async (): Promise<string[] | undefined> => undefined;
}

/** Lets promise chains and setImmediate callbacks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Advances fake time in steps, letting the code under test react between them. */
export async function advance(clock: ManualClock, ms: number, step = 10): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await settle(2);
  }
}
