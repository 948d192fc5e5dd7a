// The bytes of a process-executor journal file (`<dir>/<unit>.log`), and how they read
// back as lines. Pure: no I/O.
//
// The unit's processes write into the file themselves: it is their stdout and stderr,
// opened O_APPEND (systemd's StandardOutput=append:FILE), so their output reaches it
// without passing through the executor, exactly as written, without time or stream tag.
// The executor's own messages about the unit ("Started …", "Main process exited …") go
// into the same file as *sys records*, one write each:
//     RS <time> SP <text> LF     RS = U+001E; time = ISO 8601 UTC with milliseconds
// A sys record may follow a partial line of the unit's (it then starts mid-line). An RS
// not followed by a well-formed time and a space is unit output like any other byte, so
// no output is ever dropped or misread as a time; a unit *can* print a line that reads
// back as a sys record — the tag is for display, not a security boundary.
// Reading: lines end at LF (a CR before it is dropped), the last line may lack its LF,
// and unit lines longer than LINE_MAX characters are cut into pieces (systemd's LineMax=).

/** systemd's LineMax= default: longer lines are split. */
export const LINE_MAX = 48 * 1024;

/** Starts a sys record (ASCII Record Separator). */
export const SYS_MARK = "\u001e";

export type JournalRecord = { readonly source: "unit"; readonly text: string } | { readonly source: "sys"; readonly at: string; readonly text: string };

const MARK = /\u001e(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) /g;

/**
 * One sys record, ready to append. Line breaks and RS in `text` become spaces (a record
 * is one line); `atMs` must be a valid time (ms since the epoch).
 */
export function formatSysRecord(atMs: number, text: string): string {
  return `${SYS_MARK}${new Date(atMs).toISOString()} ${text.replace(/[\r\n\u001e]/g, " ")}\n`;
}

/** The records of a journal text (a whole file, or any run of whole lines of one). */
export function parseJournal(text: string): JournalRecord[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop(); // the text ended with LF
  return parseJournalLines(lines);
}

/** The records of lines already split at LF (each without its LF). */
export function parseJournalLines(lines: readonly string[]): JournalRecord[] {
  const out: JournalRecord[] = [];
  for (const line of lines) parseLine(line.endsWith("\r") ? line.slice(0, -1) : line, out);
  return out;
}

/** The text of each record, as `journal` shows it (journalctl -o cat). */
export function recordTexts(records: readonly JournalRecord[]): string[] {
  return records.map((r) => r.text);
}

function parseLine(line: string, out: JournalRecord[]): void {
  let from = 0;
  let sysAt: string | undefined;
  for (const m of line.matchAll(MARK)) {
    const piece = line.slice(from, m.index);
    if (sysAt !== undefined) out.push({ source: "sys", at: sysAt, text: piece });
    else if (piece !== "") pushUnit(piece, out); // a partial line of the unit's, then a record
    sysAt = m[1]!;
    from = m.index! + m[0].length;
  }
  const rest = line.slice(from);
  if (sysAt !== undefined) out.push({ source: "sys", at: sysAt, text: rest });
  else pushUnit(rest, out); // an empty line is a line too
}

function pushUnit(text: string, out: JournalRecord[]): void {
  if (text.length <= LINE_MAX) {
    out.push({ source: "unit", text });
    return;
  }
  for (let i = 0; i < text.length; i += LINE_MAX) out.push({ source: "unit", text: text.slice(i, i + LINE_MAX) });
}
