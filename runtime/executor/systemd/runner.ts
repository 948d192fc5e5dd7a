// How the systemd executor reaches systemctl and journalctl: through a runner, so tests
// can assert the exact commands (there is no systemd as PID 1 in CI containers).
import { execFile, spawn } from "node:child_process";
import { LineSplitter } from "../line-splitter";

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandRunner {
  /** Runs a command to its end. Never rejects for a non-zero exit; `code` says it. */
  run(command: string, args: readonly string[]): Promise<RunResult>;
  /** Runs a long-lived command (journalctl -f), calling onLine per stdout line; returns stop. */
  stream(command: string, args: readonly string[], onLine: (line: string) => void): () => void;
}

export interface ExecRunnerOptions {
  /** Per-command limit; systemctl start/stop wait for their job. Default 5 min. */
  readonly timeoutMs?: number;
}

export function execRunner(opts: ExecRunnerOptions = {}): CommandRunner {
  return {
    run: (command, args) =>
      new Promise((resolve) => {
        execFile(command, [...args], { timeout: opts.timeoutMs ?? 300_000, maxBuffer: 64 << 20, encoding: "utf8" }, (err, stdout, stderr) => {
          const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
          const code = e === null ? 0 : typeof e.code === "number" ? e.code : 127;
          resolve({ code, stdout, stderr: e && typeof e.code !== "number" ? `${stderr}${e.message}` : stderr });
        });
      }),
    stream: (command, args, onLine) => {
      const child = spawn(command, [...args], { stdio: ["ignore", "pipe", "ignore"] });
      child.on("error", () => undefined);
      const lines = new LineSplitter(onLine);
      child.stdout?.on("data", (c: Buffer) => lines.push(c));
      child.stdout?.on("end", () => lines.end());
      return () => {
        child.kill("SIGTERM");
      };
    },
  };
}
