// Parser for systemd unit files: text in, UnitFile model or every problem found out.
// It accepts what systemd accepts (see syntax.ts) and refuses, with a position, what
// systemd would ignore with a log line or what only a damaged file contains:
// NUL bytes, lines over 1 MiB, files over 4 MiB, a continuation cut off by the end of
// the file, assignments before the first section, lines that are neither `KEY=value`,
// `[Section]`, a comment nor blank. A UTF-8 BOM at the start is dropped; CRLF, LF and
// lone CR all end a line (as systemd's read_line() treats them).
import type { Assignment, Entry, Section, Trivia, UnitFile } from "./model";
import { excerpt, fail, ok, quoted, type Result, type UnitProblem, type UnitProblemCode } from "./problems";
import {
  FILE_MAX_BYTES,
  KEY_NAME,
  LINE_MAX_BYTES,
  SECTION_NAME,
  isCommentLine,
  exceedsBytes,
  isContinued,
  trimBlanks,
  trimBlanksEnd,
  trimBlanksStart,
  utf8Length,
} from "./syntax";

/** After this many problems the parser stops: the input is most likely not a unit file. */
export const MAX_PROBLEMS = 100;

const ACCEPTED_LINES = "a line is KEY=VALUE, [Section], a comment starting with # or ;, or blank";

interface MutableSection {
  name: string;
  line: number;
  entries: Entry[];
}

class Builder {
  readonly preamble: Trivia[] = [];
  readonly sections: MutableSection[] = [];
  readonly problems: UnitProblem[] = [];
  /** After a refused header, its assignments are not reported again as outside any section. */
  inRefusedSection = false;
  constructor(readonly file: string) {}

  problem(code: UnitProblemCode, line: number, text: string, message: string): void {
    if (this.problems.length < MAX_PROBLEMS) {
      this.problems.push({ code, file: this.file, line, text: excerpt(text), message });
    } else if (this.problems.length === MAX_PROBLEMS) {
      this.problems.push({
        code: "too-many-problems",
        file: this.file,
        line,
        text: "",
        message: `stopped after ${MAX_PROBLEMS} problems; this does not look like a unit file`,
      });
    }
  }

  get full(): boolean {
    return this.problems.length > MAX_PROBLEMS;
  }

  trivia(t: Trivia): void {
    const current = this.sections[this.sections.length - 1];
    if (current) current.entries.push(t);
    else this.preamble.push(t);
  }

  result(): Result<UnitFile> {
    if (this.problems.length > 0) return fail(...this.problems);
    const sections: Section[] = this.sections.map((s) => ({ name: s.name, line: s.line, entries: s.entries }));
    return ok({ preamble: this.preamble, sections });
  }
}

/** Parses unit file text. `file` only labels problems (a path, a unit name, "<input>"). */
export function parseUnit(text: string, file = "<input>"): Result<UnitFile> {
  const refused = refuseContent(text, file);
  if (refused) return fail(refused);
  const lines = splitLines(text.startsWith("\uFEFF") ? text.slice(1) : text);
  const b = new Builder(file);
  let i = 0;
  while (i < lines.length && !b.full) i = parseAt(lines, i, b);
  return b.result();
}

/** Lines without their terminators; a final terminator does not start an empty line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function refuseContent(text: string, file: string): UnitProblem | undefined {
  const nul = text.indexOf("\0");
  if (nul >= 0) {
    return {
      code: "binary-content",
      file,
      line: splitLines(`${text.slice(0, nul)}.`).length,
      text: excerpt(JSON.stringify(text.slice(Math.max(0, nul - 20), nul + 20))),
      message: "the file contains a NUL byte; unit files are UTF-8 text",
    };
  }
  if (exceedsBytes(text, FILE_MAX_BYTES)) {
    const bytes = utf8Length(text);
    return {
      code: "file-too-large",
      file,
      line: 0,
      text: "",
      message: `the file is ${bytes} bytes; unit files may be at most ${FILE_MAX_BYTES} bytes`,
    };
  }
  return undefined;
}

/** Parses the logical line starting at lines[i]; returns the index of the next one. */
function parseAt(lines: readonly string[], i: number, b: Builder): number {
  const raw = lines[i]!;
  const lineNo = i + 1;
  if (exceedsBytes(raw, LINE_MAX_BYTES)) {
    b.problem("line-too-long", lineNo, raw, `line is ${utf8Length(raw)} bytes; systemd reads lines of at most ${LINE_MAX_BYTES} bytes`);
    return i + 1;
  }
  const t = trimBlanks(raw);
  if (t === "") {
    b.trivia({ kind: "blank", line: lineNo });
    return i + 1;
  }
  if (isCommentLine(t)) {
    b.trivia({ kind: "comment", text: trimBlanksStart(raw), line: lineNo });
    return i + 1;
  }
  const group = gather(lines, i, b);
  if (group.failed) return group.next;
  if (t.startsWith("[")) section(t, lineNo, b);
  else assignment(raw, group, lineNo, b);
  return group.next;
}

interface Group {
  /** Physical lines of the logical line; "" last when a blank line ended it. */
  readonly parts: string[];
  readonly blankEnded: boolean;
  readonly next: number;
  readonly failed: boolean;
}

/** Collects a line and its continuation lines the way systemd's config_parse() does. */
function gather(lines: readonly string[], i: number, b: Builder): Group {
  const parts = [lines[i]!];
  if (!isContinued(lines[i]!)) return { parts, blankEnded: false, next: i + 1, failed: false };
  let total = utf8Length(lines[i]!);
  let failed = false;
  for (let j = i + 1; ; j++) {
    const l = lines[j];
    if (l === undefined) {
      b.problem(
        "unterminated-continuation",
        i + 1,
        lines[i]!,
        `line ${i + 1} ends in a backslash that continues it, but the file ends ${j === i + 1 ? "there" : `at line ${j}`}; remove the backslash or add the rest of the value`,
      );
      return { parts, blankEnded: false, next: j, failed: true };
    }
    total += utf8Length(l);
    if (!failed && total > LINE_MAX_BYTES) {
      b.problem("line-too-long", i + 1, lines[i]!, `the line continued from line ${i + 1} is longer than ${LINE_MAX_BYTES} bytes, systemd's limit`);
      failed = true;
    }
    if (isCommentLine(l)) {
      parts.push(l);
      continue;
    }
    if (trimBlanks(l) === "") {
      parts.push("");
      return { parts, blankEnded: true, next: j + 1, failed };
    }
    parts.push(l);
    if (!isContinued(l)) return { parts, blankEnded: false, next: j + 1, failed };
  }
}

function section(t: string, lineNo: number, b: Builder): void {
  b.inRefusedSection = true;
  if (!t.endsWith("]")) {
    b.problem("unterminated-section", lineNo, t, `section header ${quoted(t)} does not end in "]"; expected [Name] alone on its line`);
    return;
  }
  const name = t.slice(1, -1);
  if (!SECTION_NAME.test(name)) {
    b.problem(
      "invalid-section-name",
      lineNo,
      t,
      `section name ${quoted(name)} is not valid; expected letters, digits and "_.:@-", starting with a letter or digit, e.g. [Service] or [X-Fleet]`,
    );
    return;
  }
  b.inRefusedSection = false;
  b.sections.push({ name, line: lineNo, entries: [] });
}

function assignment(raw: string, group: Group, lineNo: number, b: Builder): void {
  const eq = raw.indexOf("=");
  if (eq < 0) {
    const hint = group.parts.length > 1 ? "; the key and '=' must be on the first line of a continued line" : "";
    b.problem("invalid-line", lineNo, raw, `line ${quoted(trimBlanks(raw), 60)} is not understood; ${ACCEPTED_LINES}${hint}`);
    return;
  }
  const key = trimBlanks(raw.slice(0, eq));
  if (!KEY_NAME.test(key)) {
    b.problem(
      "invalid-key",
      lineNo,
      raw,
      `key ${quoted(key, 60)} is not valid; keys are letters, digits and "_.-", starting with a letter or digit, e.g. ExecStart`,
    );
    return;
  }
  const parts = [...group.parts];
  parts[0] = trimBlanksStart(raw.slice(eq + 1));
  if (!group.blankEnded) parts[parts.length - 1] = trimLastLine(parts[parts.length - 1]!);
  const current = b.sections[b.sections.length - 1];
  if (b.inRefusedSection) return;
  if (!current) {
    b.problem("assignment-outside-section", lineNo, raw, `${key}= comes before any [Section] header; put it under e.g. [Unit] or [Service]`);
    return;
  }
  const a: Assignment = { kind: "assignment", key, value: parts.join("\n"), line: lineNo };
  current.entries.push(a);
}

/**
 * Trailing blanks go, as systemd strips them, except that a value ending in a backslash
 * keeps one blank after it: written without it, the backslash would continue the line.
 */
function trimLastLine(line: string): string {
  const t = trimBlanksEnd(line);
  return t !== line && isContinued(t) ? `${t} ` : t;
}
