// The machines of a scenario: each a real agent talking HTTP to the server, driving a
// recording executor. A machine that is killed and brought back gets a fresh agent and
// executor (one "life" each); the records of every life are kept, since they are the
// evidence of where units ran.
import { createHash } from "node:crypto";
import { systemClock } from "../../runtime/clock";
import { Agent } from "../../runtime/agent/agent";
import { AgentApi } from "../../runtime/agent/api";
import { RecordingExecutor } from "../../runtime/executor/recording";
import { memoryTokens } from "./cluster";
import type { MachineLog } from "./scenario-records";

export type Metadata = Readonly<Record<string, string>>;

/** One life of a machine: an agent and the executor it drives, until killed. */
interface Life {
  readonly agent: Agent;
  readonly executor: RecordingExecutor;
  alive: boolean;
}

interface Machine {
  readonly name: string;
  readonly id: string;
  readonly metadata: Metadata;
  readonly lives: Life[];
}

export interface MachinesOptions {
  readonly serverUrl: string;
  readonly bootstrapToken: string;
  /** Machine lease TTL the agents ask for, in seconds. */
  readonly ttlSeconds: number;
  readonly log: (line: string) => void;
}

/** A machine id (32 hex) derived from the name, so a test can name a machine before it exists. */
export function machineId(name: string): string {
  return createHash("sha256").update(`hafen-scenario/${name}`).digest("hex").slice(0, 32);
}

export class Machines {
  private readonly all = new Map<string, Machine>();
  private last = 0;
  /**
   * Every executor reads this clock for its calls and events: wall time in ms, but
   * strictly increasing across all of them, so their records interleave in the exact
   * order things happened.
   */
  private readonly stamp = (): number => (this.last = Math.max(systemClock.now(), this.last + 0.001));

  constructor(private readonly o: MachinesOptions) {}

  id(name: string): string {
    return this.all.get(name)?.id ?? machineId(name);
  }

  nameOf(id: string): string {
    for (const m of this.all.values()) if (m.id === id) return m.name;
    return id;
  }

  /** `text` with every known machine id written as its name. */
  withNames(text: string): string {
    let out = text;
    for (const m of this.all.values()) out = out.split(m.id).join(m.name);
    return out;
  }

  add(name: string, metadata: Metadata): void {
    if (this.all.has(name)) throw new Error(`machine ${name} already joined; use revive()`);
    this.all.set(name, { name, id: machineId(name), metadata, lives: [] });
  }

  /** Starts a new life of the machine: a fresh agent and executor. Returns the agent. */
  async boot(name: string): Promise<Agent> {
    const m = this.get(name);
    if (this.live(name)) throw new Error(`machine ${name} is already running`);
    const executor = new RecordingExecutor({ clock: { now: this.stamp, setTimeout: systemClock.setTimeout }, monotonic: this.stamp });
    const api = new AgentApi({ findServers: async () => [this.o.serverUrl], bootstrapToken: this.o.bootstrapToken, tokens: memoryTokens() });
    const agent = new Agent({
      info: { id: m.id, name, primaryIP: "127.0.0.1", metadata: m.metadata, role: "worker", version: "test" },
      api,
      executor,
      clock: systemClock,
      leaseTtlSeconds: this.o.ttlSeconds,
      reconcileIntervalMs: 1000,
      pollWaitMs: 1000,
      log: (l) => this.o.log(`[${name}] ${l}`),
    });
    m.lives.push({ agent, executor, alive: true });
    await agent.start();
    return agent;
  }

  /** The machine dies: its agent stops heartbeating (the lease is left to expire) and its units die with it. */
  async kill(name: string): Promise<void> {
    const life = this.live(name);
    if (!life) throw new Error(`machine ${name} is not running`);
    life.alive = false;
    await life.agent.stop(false);
    await life.executor.close();
  }

  /** The executor of each running machine, by machine name. */
  executors(): Array<{ readonly machine: string; readonly executor: RecordingExecutor }> {
    return [...this.all.values()].flatMap((m) => {
      const life = this.live(m.name);
      return life ? [{ machine: m.name, executor: life.executor }] : [];
    });
  }

  /** Every life's records, labelled with the machine. */
  logs(): MachineLog[] {
    return [...this.all.values()].flatMap((m) => m.lives.map((l) => ({ machine: m.name, calls: l.executor.calls, events: l.executor.events() })));
  }

  /** What the executors of `machine` (all its lives) recorded for `unit`, in order. */
  history(machine: string, unit: string): string[] {
    return this.get(machine).lives.flatMap((l) => l.executor.events().filter((e) => e.unit === unit).map((e) => e.event));
  }

  /** Clean shutdown of every running machine (stops their units). */
  async stopAll(): Promise<void> {
    for (const m of this.all.values()) {
      const life = this.live(m.name);
      if (!life) continue;
      life.alive = false;
      await life.agent.stop(true);
    }
  }

  private get(name: string): Machine {
    const m = this.all.get(name);
    if (!m) throw new Error(`no machine ${name}; machines: ${[...this.all.keys()].join(", ")}`);
    return m;
  }

  private live(name: string): Life | undefined {
    const lives = this.get(name).lives;
    const last = lives[lives.length - 1];
    return last?.alive ? last : undefined;
  }
}
