// The journal file format (runtime/executor/journal-format.ts): sys records, unit output
// as written, and what reading makes of any bytes at all.
import fc from "fast-check";
import { formatSysRecord, LINE_MAX, parseJournal, recordTexts, SYS_MARK, type JournalRecord } from "../../../runtime/executor/journal-format";

const AT = Date.UTC(2025, 0, 1, 12, 0, 0, 5);
const TS = "2025-01-01T12:00:00.005Z";

test("a sys record is RS, the time, a space, the text and LF; line breaks and RS in the text become spaces", () => {
  expect(formatSysRecord(AT, "Started a.service.")).toBe(`\u001e${TS} Started a.service.\n`);
  expect(formatSysRecord(AT, "two\nlines\r\u001eand a mark")).toBe(`\u001e${TS} two lines  and a mark\n`);
  expect(() => formatSysRecord(Number.NaN, "x")).toThrow(RangeError);
});

test("unit lines read back as written; sys records carry their time; empty lines count", () => {
  const text = `hello\n${formatSysRecord(AT, "Started a.service.")}\nwarn: x\r\n${formatSysRecord(AT, "Deactivated.")}`;
  expect(parseJournal(text)).toEqual<JournalRecord[]>([
    { source: "unit", text: "hello" },
    { source: "sys", at: TS, text: "Started a.service." },
    { source: "unit", text: "" },
    { source: "unit", text: "warn: x" },
    { source: "sys", at: TS, text: "Deactivated." },
  ]);
});

test("a sys record after a partial line of the unit's splits the line; the last line may lack its LF", () => {
  const text = `no newline yet${formatSysRecord(AT, "Main process exited, code=exited, status=1/FAILURE")}rest of it\nlast`;
  expect(recordTexts(parseJournal(text))).toEqual(["no newline yet", "Main process exited, code=exited, status=1/FAILURE", "rest of it", "last"]);
});

test("an RS without a well-formed time is unit output, never dropped", () => {
  for (const line of [`${SYS_MARK}`, `${SYS_MARK}not a time`, `a${SYS_MARK}2025-01-01T12:00:00Z no millis`, `${SYS_MARK}2025-01-01T12:00:00.005Z`, `x ${SYS_MARK}${SYS_MARK}`]) {
    expect(parseJournal(`${line}\n`)).toEqual([{ source: "unit", text: line }]);
  }
});

test("unit lines longer than LINE_MAX come back in LINE_MAX pieces; sys records are not cut", () => {
  const long = "x".repeat(LINE_MAX * 2 + 3);
  expect(recordTexts(parseJournal(`${long}\n`)).map((t) => t.length)).toEqual([LINE_MAX, LINE_MAX, 3]);
  expect(parseJournal(formatSysRecord(AT, "y".repeat(LINE_MAX + 1)))[0]!.text).toHaveLength(LINE_MAX + 1);
});

test("empty text, a lone LF, and lone CRs", () => {
  expect(parseJournal("")).toEqual([]);
  expect(parseJournal("\n")).toEqual([{ source: "unit", text: "" }]);
  expect(recordTexts(parseJournal("\r\n\r\r\n"))).toEqual(["", "\r"]);
});

const unitLine = fc.string({ unit: "grapheme", maxLength: 60 }).filter((s) => !/[\n\u001e]/.test(s) && !s.endsWith("\r"));
const entry = fc.oneof(
  unitLine.map((text) => ({ source: "unit" as const, text })),
  fc.tuple(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.string({ maxLength: 60 })).map(([at, text]) => ({ source: "sys" as const, at, text })),
);

test("property: any sequence of unit lines and sys records reads back in order", () => {
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 30 }), (entries) => {
      const text = entries.map((e) => (e.source === "unit" ? `${e.text}\n` : formatSysRecord(e.at, e.text))).join("");
      const expected = entries.map((e) => (e.source === "unit" ? { source: "unit", text: e.text } : { source: "sys", at: new Date(e.at).toISOString(), text: e.text.replace(/[\r\n\u001e]/g, " ") }));
      expect(parseJournal(text)).toEqual(expected);
    }),
  );
});

const VALID_MARK = /\u001e\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;

test("property: garbage never throws; without a valid mark every line reads back exactly (CR before LF dropped)", () => {
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString("utf8")), fc.string({ unit: fc.constantFrom("a", "\n", "\r", "\u001e", "2", "-", ":", ".", "T", "Z", " "), maxLength: 200 })), (text) => {
      const records = parseJournal(text);
      for (const r of records) expect(r.text).not.toContain("\n");
      if (VALID_MARK.test(text)) return;
      const lines = text.split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      expect(records).toEqual(lines.map((l) => ({ source: "unit", text: l.endsWith("\r") ? l.slice(0, -1) : l })));
    }),
  );
});

test("property: a sys record written after garbage (even a partial line) reads back as the last record", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 40 }), (bytes, msg) => {
      const records = parseJournal(Buffer.from(bytes).toString("utf8") + formatSysRecord(AT, msg));
      expect(records[records.length - 1]).toEqual({ source: "sys", at: TS, text: msg.replace(/[\r\n\u001e]/g, " ") });
    }),
  );
});
