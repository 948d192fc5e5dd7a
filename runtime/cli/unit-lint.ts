// `hafen unit lint FILE... [--json]`: checks unit files the way Hafen will read them.
// Exit 0 when no file has an error (warnings are printed but pass), 1 otherwise.
// Findings go to stderr as `FILE:LINE: CODE: message`, or with --json to stdout as a
// JSON array of {file, line, code, severity, message, text}. A file that cannot be read
// is a finding like any other, so one bad argument does not hide the others' results.
import { constants, promises as fs } from "node:fs";
import { basename, resolve } from "node:path";
import { UsageError, type Command, type CommandContext } from "./command";
import { parseFlags } from "./flags";
import { FILE_MAX_BYTES, decodeUnitBytes, formatProblem, isError, lintUnit, severityOf, type Result, type UnitProblem } from "../../units";
import { describeErrno } from "./errno";

const usage = `Usage: hafen unit lint FILE... [--json]

Checks systemd unit files for Hafen: syntax, the unit name (the file's basename),
[X-Fleet] options and the checks systemd makes when it loads a unit.
Exit status 0 when there are no errors (warnings still print), 1 otherwise.

  --json    print the findings as a JSON array on stdout instead of lines on stderr`;

export const unitLint: Command = {
  words: ["unit", "lint"],
  summary: "check unit files (syntax, name, [X-Fleet] options)",
  usage,
  async run(ctx: CommandContext): Promise<number> {
    const { values, positionals } = parseFlags(ctx.args, { json: { type: "boolean" } });
    if (positionals.length === 0) throw new UsageError("no FILE given");
    const problems: UnitProblem[] = [];
    for (const file of positionals) problems.push(...(await lintPath(ctx.cwd, file)));
    if (values.json) {
      const rows = problems.map((p) => ({ file: p.file, line: p.line, code: p.code, severity: severityOf(p), message: p.message, text: p.text }));
      ctx.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    } else {
      for (const p of problems) ctx.stderr.write(`${formatProblem(p)}\n`);
    }
    return problems.some(isError) ? 1 : 0;
  },
};

async function lintPath(cwd: string, file: string): Promise<UnitProblem[]> {
  const read = await readUnitFile(resolve(cwd, file), file);
  if (!read.ok) return [...read.problems];
  return lintUnit(basename(file), read.value, file);
}

/** Reads a regular file of at most FILE_MAX_BYTES; never blocks on a FIFO or reads a device. */
async function readUnitFile(path: string, file: string): Promise<Result<string>> {
  const unreadable = (why: string): Result<string> => ({
    ok: false,
    problems: [{ code: "unreadable-file", file, line: 0, text: "", message: `cannot read the file: ${why}` }],
  });
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await handle.stat();
    if (st.isDirectory()) return unreadable("it is a directory; give unit files (a shell glob such as dir/*.service works)");
    if (!st.isFile()) return unreadable("it is not a regular file");
    if (st.size > FILE_MAX_BYTES) {
      const message = `the file is ${st.size} bytes; unit files may be at most ${FILE_MAX_BYTES} bytes`;
      return { ok: false, problems: [{ code: "file-too-large", file, line: 0, text: "", message }] };
    }
    return decodeUnitBytes(await handle.readFile(), file);
  } catch (err) {
    return unreadable(describeErrno(err));
  } finally {
    await handle?.close();
  }
}
