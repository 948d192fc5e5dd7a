// The systemd executor, for real machines: unit files in /run/systemd/system (runtime
// units, gone at reboot like fleet's), `systemctl daemon-reload`, `systemctl start|stop`,
// states read back with `systemctl show`, output from `journalctl -u NAME -o cat`.
// systemd decides what a unit means (Type=forking is fine here), so options are not
// compiled, only written (systemd/unit-file.ts). Every command goes through an injected
// CommandRunner (systemd/runner.ts). State changes systemd makes on its own (a crash, a
// restart) are found by polling `systemctl show` while someone listens (fleet polled
// too); start/stop refresh at once.
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { systemClock, type Clock, type Timer } from "../clock";
import { ExecutorError } from "./errors";
import { EventRecord } from "./events";
import { parseUnitName } from "../../units/names";
import { checkSpec, lineCount } from "./spec";
import { execRunner, type CommandRunner } from "./systemd/runner";
import { parseShow, SHOW_PROPERTIES } from "./systemd/show";
import { renderUnitFile } from "./systemd/unit-file";
import type { Executor, ExecutorEvent, UnitSpec, UnitStatus } from "./types";

export interface SystemdExecutorOptions {
  /** Where unit files go. Default /run/systemd/system. */
  readonly unitDir?: string;
  readonly runner?: CommandRunner;
  readonly clock?: Clock;
  /** `systemctl show` poll interval while onChange has listeners. Default 1 s. */
  readonly pollMs?: number;
  readonly eventLog?: string;
  readonly eventCapacity?: number;
}

export class SystemdExecutor implements Executor {
  readonly kind = "systemd" as const;
  private readonly dir: string;
  private readonly runner: CommandRunner;
  private readonly clock: Clock;
  /** Loaded units: name → hash. */
  private readonly units = new Map<string, string>();
  private readonly started = new Set<string>();
  private readonly last = new Map<string, UnitStatus>();
  private readonly listeners = new Set<(s: UnitStatus) => void>();
  private readonly streams = new Set<() => void>();
  private readonly record: EventRecord;
  private reloading: Promise<void> | undefined;
  private reloadQueued: Promise<void> | undefined;
  private poller: Timer | undefined;
  private readonly pollMs: number;
  /** Units a stop() is under way for: their leaving "active" is a stop, not an exit. */
  private readonly stopping = new Set<string>();
  private closed = false;

  constructor(opts: SystemdExecutorOptions = {}) {
    this.dir = opts.unitDir ?? "/run/systemd/system";
    this.runner = opts.runner ?? execRunner();
    this.clock = opts.clock ?? systemClock;
    this.pollMs = opts.pollMs ?? 1000;
    this.record = new EventRecord({ clock: this.clock, ...(opts.eventLog ? { file: opts.eventLog } : {}), ...(opts.eventCapacity ? { capacity: opts.eventCapacity } : {}) });
  }

  async load(unit: UnitSpec): Promise<void> {
    this.assertOpen();
    checkSpec(unit);
    const rendered = renderUnitFile(unit);
    if (!rendered.ok) throw new ExecutorError("invalid-unit", unit.name, `unit ${unit.name} cannot be written as a unit file: ${rendered.reason}`);
    const file = join(this.dir, unit.name);
    const current = await readFile(file, "utf8").catch(() => undefined);
    if (current !== rendered.text) {
      await mkdir(this.dir, { recursive: true });
      const tmp = join(this.dir, `.${unit.name}.hafen-tmp`);
      await writeFile(tmp, rendered.text, { mode: 0o644 });
      await rename(tmp, file); // systemd never reads a half-written file
      await this.daemonReload();
    }
    this.units.set(unit.name, unit.hash);
    await this.refresh([unit.name]);
  }

  async start(name: string): Promise<void> {
    this.assertOpen();
    if (!this.units.has(name)) throw new ExecutorError("not-loaded", name, `unit ${name} is not loaded`);
    const wasActive = this.last.get(name)?.activeState === "active";
    const r = await this.runner.run("systemctl", ["start", "--", name]);
    const [status] = await this.refresh([name]);
    if (r.code !== 0) throw new ExecutorError("start-failed", name, `systemctl start ${name} failed (exit ${r.code}): ${r.stderr.trim()}`);
    if (wasActive) return; // systemctl start of an active unit does nothing
    this.record.record({ unit: name, event: "started", ...(status?.pid ? { pid: status.pid } : {}) });
    if (status?.activeState === "active" || status?.activeState === "activating") this.started.add(name);
    else this.record.record({ unit: name, event: "exited", detail: `${status?.activeState}/${status?.subState}` }); // a oneshot, done
  }

  async stop(name: string): Promise<void> {
    if (!this.units.has(name)) return;
    this.stopping.add(name);
    const r = await this.runner.run("systemctl", ["stop", "--", name]);
    await this.refresh([name]).finally(() => this.stopping.delete(name));
    if (r.code !== 0) throw new ExecutorError("command-failed", name, `systemctl stop ${name} failed (exit ${r.code}): ${r.stderr.trim()}`);
    if (this.started.delete(name)) this.record.record({ unit: name, event: "stopped" });
  }

  async unload(name: string): Promise<void> {
    if (!this.units.has(name)) return;
    await this.stop(name);
    await rm(join(this.dir, name), { force: true });
    this.units.delete(name);
    this.last.delete(name);
    await this.daemonReload();
  }

  async list(): Promise<readonly UnitStatus[]> {
    return this.refresh([...this.units.keys()]);
  }

  onChange(listener: (status: UnitStatus) => void): () => void {
    this.listeners.add(listener);
    this.schedulePoll();
    return () => this.listeners.delete(listener);
  }

  async journal(name: string, lines: number): Promise<readonly string[]> {
    const n = lineCount(lines);
    if (n === 0 || !parseUnitName(name).ok) return [];
    const r = await this.runner.run("journalctl", ["-u", name, "-n", String(n), "--no-pager", "-o", "cat"]);
    if (r.code !== 0) throw new ExecutorError("command-failed", name, `journalctl -u ${name} failed (exit ${r.code}): ${r.stderr.trim()}`);
    const out = r.stdout.split("\n");
    if (out[out.length - 1] === "") out.pop();
    if (out.length === 1 && out[0] === "-- No entries --") return [];
    return out.slice(-n);
  }

  followJournal(name: string, onLine: (line: string) => void): () => void {
    if (!parseUnitName(name).ok) return () => undefined;
    const stop = this.runner.stream("journalctl", ["-u", name, "-f", "-n", "0", "--no-pager", "-o", "cat"], onLine);
    this.streams.add(stop);
    return () => {
      if (this.streams.delete(stop)) stop();
    };
  }

  events(): readonly ExecutorEvent[] {
    return this.record.list();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.poller?.cancel();
    for (const stop of this.streams) stop();
    this.streams.clear();
    for (const name of [...this.started]) await this.stop(name).catch(() => undefined);
    this.listeners.clear();
  }

  /** Coalesces concurrent reloads: loads that arrive while one runs share the next. */
  private daemonReload(): Promise<void> {
    if (this.reloadQueued) return this.reloadQueued;
    const run = async () => {
      this.reloadQueued = undefined;
      const r = await this.runner.run("systemctl", ["daemon-reload"]);
      if (r.code !== 0) throw new ExecutorError("command-failed", "", `systemctl daemon-reload failed (exit ${r.code}): ${r.stderr.trim()}`);
    };
    const next = (this.reloading ?? Promise.resolve()).catch(() => undefined).then(run);
    this.reloadQueued = next;
    this.reloading = next.finally(() => {
      if (this.reloading === next) this.reloading = undefined;
    });
    return next;
  }

  /** Reads the named units' states from systemd and tells listeners what changed. */
  private async refresh(names: readonly string[]): Promise<UnitStatus[]> {
    if (names.length === 0) return [];
    const r = await this.runner.run("systemctl", ["show", "-p", SHOW_PROPERTIES, "--", ...names]);
    if (r.code !== 0) throw new ExecutorError("command-failed", "", `systemctl show failed (exit ${r.code}): ${r.stderr.trim()}`);
    const shown = new Map(parseShow(r.stdout).map((u) => [u.id, u]));
    const out: UnitStatus[] = [];
    for (const name of names) {
      const hash = this.units.get(name);
      if (hash === undefined) continue;
      const u = shown.get(name);
      const s: UnitStatus = u
        ? {
            name,
            hash,
            loadState: u.loadState,
            activeState: u.activeState,
            subState: u.subState,
            ...(u.mainPid > 0 ? { pid: u.mainPid } : {}),
            ...(u.loadState === "error" ? { loadError: `systemd reports LoadState=${u.rawLoadState}; see journalctl -u ${name}` } : {}),
          }
        : { name, hash, loadState: "not-found", activeState: "inactive", subState: "dead" };
      out.push(s);
      this.noteChange(s);
    }
    return out;
  }

  private noteChange(s: UnitStatus): void {
    const prev = this.last.get(s.name);
    this.last.set(s.name, s);
    const same = prev && prev.hash === s.hash && prev.loadState === s.loadState && prev.activeState === s.activeState && prev.subState === s.subState && prev.pid === s.pid;
    if (same) return;
    if (prev?.activeState === "active" && (s.activeState === "inactive" || s.activeState === "failed") && this.started.has(s.name) && !this.stopping.has(s.name)) {
      this.record.record({ unit: s.name, event: "exited", detail: `${s.activeState}/${s.subState}` });
    }
    for (const l of this.listeners) l(s);
  }

  private schedulePoll(): void {
    if (this.poller || this.closed) return;
    this.poller = this.clock.setTimeout(() => {
      this.poller = undefined;
      if (this.closed || this.listeners.size === 0) return;
      void this.refresh([...this.units.keys()])
        .catch(() => undefined) // systemd busy: the next poll tries again
        .finally(() => this.schedulePoll());
    }, this.pollMs);
  }

  private assertOpen(): void {
    if (this.closed) throw new ExecutorError("closed", "", "the executor is closed");
  }
}
