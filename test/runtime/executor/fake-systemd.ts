// A CommandRunner that plays systemd for the systemd executor: it records every command
// line exactly, reads the unit files the executor wrote at `daemon-reload` (as systemd
// does), and answers systemctl/journalctl the way systemd 252 formats its answers.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CommandRunner, RunResult } from "../../../runtime/executor/systemd/runner";

interface FakeUnit {
  active: string;
  sub: string;
  pid: number;
  oneshot: boolean;
  remain: boolean;
}

export class FakeSystemd implements CommandRunner {
  readonly commands: string[] = [];
  /** Units systemd knows (from the last daemon-reload). */
  private readonly known = new Map<string, FakeUnit>();
  readonly journals = new Map<string, string[]>();
  /** Next answer for a command line, consumed once (to inject failures). */
  readonly failures = new Map<string, RunResult>();
  private nextPid = 4000;
  /** How long daemon-reload takes (real systemd: tens to hundreds of ms). */
  reloadDelayMs = 0;

  constructor(private readonly unitDir: string) {}

  async run(command: string, args: readonly string[]): Promise<RunResult> {
    const line = `${command} ${args.join(" ")}`;
    this.commands.push(line);
    const injected = this.failures.get(line);
    if (injected) {
      this.failures.delete(line);
      return injected;
    }
    if (command === "journalctl") return this.journal(args);
    const [verb, ...rest] = args;
    const names = rest.filter((a) => a !== "--");
    switch (verb) {
      case "daemon-reload":
        if (this.reloadDelayMs > 0) await new Promise((r) => setTimeout(r, this.reloadDelayMs));
        this.reload();
        return ok("");
      case "start":
        return this.start(names[0]!);
      case "stop":
        return this.stop(names[0]!);
      case "show":
        return ok(names.slice(2).map((n) => this.show(n)).join("\n\n") + "\n");
      default:
        return { code: 1, stdout: "", stderr: `Unknown command verb ${verb}.` };
    }
  }

  stream(command: string, args: readonly string[], onLine: (line: string) => void): () => void {
    this.commands.push(`${command} ${args.join(" ")}`);
    onLine("-- followed --");
    return () => this.commands.push("(stream stopped)");
  }

  /** What systemd would do on its own: the main process of `name` dies. */
  crash(name: string): void {
    const u = this.known.get(name);
    if (u) Object.assign(u, { active: "failed", sub: "failed", pid: 0 });
  }

  private reload(): void {
    const present = new Set(readdirSync(this.unitDir).filter((f) => !f.startsWith(".")));
    for (const name of [...this.known.keys()]) if (!present.has(name)) this.known.delete(name);
    for (const name of present) {
      const text = readFileSync(join(this.unitDir, name), "utf8");
      const prev = this.known.get(name);
      const oneshot = /^Type=oneshot$/m.test(text);
      const remain = /^RemainAfterExit=(yes|true|1|on)$/m.test(text);
      this.known.set(name, { active: prev?.active ?? "inactive", sub: prev?.sub ?? "dead", pid: prev?.pid ?? 0, oneshot, remain });
    }
  }

  private start(name: string): RunResult {
    const u = this.known.get(name);
    if (!u) return { code: 5, stdout: "", stderr: `Failed to start ${name}: Unit ${name} not found.\n` };
    if (u.oneshot) Object.assign(u, u.remain ? { active: "active", sub: "exited", pid: 0 } : { active: "inactive", sub: "dead", pid: 0 });
    else if (u.active !== "active") Object.assign(u, { active: "active", sub: "running", pid: this.nextPid++ });
    return ok("");
  }

  private stop(name: string): RunResult {
    const u = this.known.get(name);
    if (!u) return { code: 5, stdout: "", stderr: `Failed to stop ${name}: Unit ${name} not loaded.\n` };
    Object.assign(u, { active: "inactive", sub: "dead", pid: 0 });
    return ok("");
  }

  private show(name: string): string {
    const u = this.known.get(name);
    // systemd prints properties in its own order, not the order asked for.
    if (!u) return `MainPID=0\nId=${name}\nLoadState=not-found\nActiveState=inactive\nSubState=dead`;
    return `MainPID=${u.pid}\nId=${name}\nLoadState=loaded\nActiveState=${u.active}\nSubState=${u.sub}`;
  }

  private journal(args: readonly string[]): RunResult {
    const name = args[args.indexOf("-u") + 1]!;
    const n = Number(args[args.indexOf("-n") + 1]);
    const lines = (this.journals.get(name) ?? []).slice(-n);
    return ok(lines.map((l) => `${l}\n`).join(""));
  }
}

function ok(stdout: string): RunResult {
  return { code: 0, stdout, stderr: "" };
}
