// The lexical rules of systemd unit files, shared by the parser, the serializer and the
// option-list converter. They follow systemd's config_parse() (src/shared/conf-parser.c):
// - a line whose first non-blank character is '#' or ';' is a comment, even in the middle
//   of a continued value (systemd skips it; it never continues itself);
// - a line ending in an odd number of backslashes continues on the next line; systemd
//   replaces that backslash with a space and appends the next line as it is;
// - keys and values are stripped of blanks around '='.
//
// An assignment's value is kept in *raw* form: its physical lines joined with "\n",
// backslashes and interleaved comment lines included. That is the value go-systemd's
// deserializer (and therefore fleetctl and fleet's API) carries for a continued line, so
// option lists and hashes agree with fleet byte for byte; effectiveValue() gives what
// systemd reads.

/** systemd's LONG_LINE_MAX: a physical line (and a joined continued line) at most 1 MiB. */
export const LINE_MAX_BYTES = 1 << 20;

/**
 * Whole-file limit (ours; systemd has none). Real units are a few KiB and cloud user data
 * tops out at 64 KiB; 4 MiB keeps a stray `hafen unit lint big.iso` cheap while leaving
 * room for a file made of one maximal line.
 */
export const FILE_MAX_BYTES = 4 << 20;

/** Section names as units use them: `Unit`, `Service`, `X-Fleet`, `Install`, ... */
export const SECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/;

/** Keys: letters, digits and `_.-` (`ExecStart`, `X-ConditionMachineID`). */
export const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const BLANKS = " \t";

export function isBlankChar(c: string): boolean {
  return BLANKS.includes(c);
}

export function trimBlanks(s: string): string {
  return trimBlanksEnd(trimBlanksStart(s));
}

export function trimBlanksStart(s: string): string {
  let i = 0;
  while (i < s.length && isBlankChar(s[i]!)) i++;
  return s.slice(i);
}

export function trimBlanksEnd(s: string): string {
  let j = s.length;
  while (j > 0 && isBlankChar(s[j - 1]!)) j--;
  return s.slice(0, j);
}

export function isCommentLine(line: string): boolean {
  const t = trimBlanksStart(line);
  return t.startsWith("#") || t.startsWith(";");
}

/** True when the line ends in an odd number of backslashes (`\\` is an escaped one). */
export function isContinued(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === "\\"; i--) n++;
  return n % 2 === 1;
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/** utf8Length(s) > max, without encoding when the length alone settles it (≤ 3 bytes/unit). */
export function exceedsBytes(s: string, max: number): boolean {
  if (s.length * 3 <= max) return false;
  if (s.length > max) return true;
  return utf8Length(s) > max;
}

/** What systemd reads from a raw value: continuations joined, inner comments skipped. */
export function effectiveValue(raw: string): string {
  if (!raw.includes("\n")) return trimBlanksEnd(raw);
  const lines = raw.split("\n");
  let out = "";
  lines.forEach((line, i) => {
    if (i > 0 && isCommentLine(line)) return;
    out += isContinued(line) ? `${line.slice(0, -1)} ` : line;
  });
  return trimBlanks(out);
}

/**
 * Why a raw value cannot be written as `key=value` and read back unchanged, or
 * undefined when it can. The rules mirror what the parser produces: the first line has
 * no leading blanks; every line but the last is continued (or a comment line inside the
 * continuation); the last line is either empty (the continuation was ended by a blank
 * line) or a non-blank line without trailing blanks, except one blank after a final
 * unescaped backslash (which that blank keeps from continuing the line).
 */
export function valueProblem(raw: string): string | undefined {
  if (raw.includes("\0")) return "it contains a NUL character";
  if (raw.includes("\r")) return "it contains a carriage return; use \\n between continued lines";
  const lines = raw.split("\n");
  const first = lines[0]!;
  if (first !== trimBlanksStart(first)) return "it starts with a blank, which systemd strips";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (exceedsBytes(line, LINE_MAX_BYTES)) return `line ${i + 1} of the value is longer than ${LINE_MAX_BYTES} bytes`;
    if (i > 0 && isCommentLine(line)) {
      if (i === lines.length - 1) return "it ends with a comment line, which would swallow the next line";
      continue;
    }
    if (i < lines.length - 1) {
      if (!isContinued(line)) return `line ${i + 1} of the value is followed by another line but does not end in a continuation backslash`;
      continue;
    }
    if (line === "" && i > 0) return undefined;
    if (i > 0 && trimBlanks(line) === "") return "its last line is blank but not empty";
    const core = trimBlanksEnd(line);
    // A final backslash is written with one blank after it, or it would continue the line.
    if (isContinued(core)) return line === `${core} ` ? undefined : "it ends in a single backslash not followed by exactly one blank, so it would continue onto the next line";
    if (line !== core) return "it ends with a blank, which systemd strips";
  }
  return undefined;
}
