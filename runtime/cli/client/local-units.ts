// Reading the local unit file an argument names (or, for an instance, the template beside
// it) and linting it as the cluster will: errors refuse the unit with FILE:LINE lines,
// warnings are passed on. A missing file is not an error here — the unit may be in the
// cluster already; plan.ts decides.
import { constants, promises as fs } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { FILE_MAX_BYTES, decodeUnitBytes, formatProblem, isError, lintUnit, parseUnit, toOptions, type UnitProblem } from "../../../units";
import type { LocalUnit } from "./plan";
import { templateName } from "./plan";

export type LocalRead =
  | { readonly kind: "none" }
  | { readonly kind: "unit"; readonly unit: LocalUnit; readonly warnings: readonly string[] }
  | { readonly kind: "bad"; readonly lines: readonly string[] };

type FileRead = { kind: "missing" } | { kind: "text"; text: string } | { kind: "bad"; problems: readonly UnitProblem[] };

async function readUnitText(abs: string, file: string): Promise<FileRead> {
  const unreadable = (why: string): FileRead => ({ kind: "bad", problems: [{ code: "unreadable-file", file, line: 0, text: "", message: `cannot read the file: ${why}` }] });
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(abs, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await handle.stat();
    if (st.isDirectory()) return unreadable("it is a directory; give unit files");
    if (!st.isFile()) return unreadable("it is not a regular file");
    if (st.size > FILE_MAX_BYTES) return unreadable(`it is ${st.size} bytes; unit files may be at most ${FILE_MAX_BYTES} bytes`);
    const decoded = decodeUnitBytes(await handle.readFile(), file);
    return decoded.ok ? { kind: "text", text: decoded.value } : { kind: "bad", problems: decoded.problems };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing" };
    if (code === "EACCES" || code === "EPERM") return unreadable("permission denied");
    return unreadable((err as Error).message ?? String(err));
  } finally {
    await handle?.close();
  }
}

function lintToLocal(name: string, file: string, text: string): LocalRead {
  const problems = lintUnit(name, text, file);
  const errors = problems.filter(isError);
  if (errors.length > 0) return { kind: "bad", lines: errors.map(formatProblem) };
  const parsed = parseUnit(text, file);
  if (!parsed.ok) return { kind: "bad", lines: parsed.problems.map(formatProblem) };
  return { kind: "unit", unit: { file, options: toOptions(parsed.value) }, warnings: problems.map(formatProblem) };
}

/** The local contents for unit `name` named by argument path `path` (relative to `cwd`). */
export async function readLocalUnit(cwd: string, name: string, path: string): Promise<LocalRead> {
  const own = await readUnitText(resolve(cwd, path), path);
  if (own.kind === "text") return lintToLocal(name, path, own.text);
  if (own.kind === "bad") return { kind: "bad", lines: own.problems.map(formatProblem) };
  const template = templateName(name);
  if (!template) return { kind: "none" };
  const tpath = join(dirname(path), template);
  const t = await readUnitText(resolve(cwd, tpath), tpath);
  if (t.kind === "text") return lintToLocal(name, tpath, t.text);
  if (t.kind === "bad") return { kind: "bad", lines: t.problems.map(formatProblem) };
  return { kind: "none" };
}
