// Runs the CLI in-process (fast, for parsing/output tests) or as a child process of the
// built binary (for anything that serves, forks or must exit).
import { PassThrough } from "node:stream";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { main } from "../../runtime/cli/main";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on("data", (c: Buffer) => chunks.out.push(c));
  err.on("data", (c: Buffer) => chunks.err.push(c));
  const code = await main(args, {
    stdout: out,
    stderr: err,
    env: { ...process.env, ...opts.env },
    cwd: opts.cwd ?? process.cwd(),
  });
  return { code, stdout: Buffer.concat(chunks.out).toString(), stderr: Buffer.concat(chunks.err).toString() };
}

export const HAFEN_BIN = join(__dirname, "..", "..", "bin", "hafen");

/** Runs the built binary (`npm run build` first; `npm test` does). */
export function runBin(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [HAFEN_BIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    input: opts.input,
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 30000,
  });
  return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}
