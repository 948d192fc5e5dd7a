// fast-check generators for unit files: valid models (every value shape the parser can
// produce, continued values included) and loose text made of unit-file-like lines.
import fc from "fast-check";
import type { Assignment, Blank, Comment, Entry, Section, Trivia, UnitFile } from "../../units";
import type { UnitOption } from "../../units";

/** Characters that matter to the syntax, plus blanks and non-ASCII. */
const CHARS = ["a", "Z", "0", "-", " ", "\t", "\\", "#", ";", "=", "[", "]", '"', "'", "%", "$", "é", "世", "🚢", "\u00a0", "*"];

const text = (max: number) => fc.array(fc.constantFrom(...CHARS), { maxLength: max }).map((cs) => cs.join(""));

const trimBlanks = (s: string) => s.replace(/^[ \t]+|[ \t]+$/g, "");
const oddBackslashes = (s: string) => (s.match(/\\*$/)![0].length % 2) === 1;

/** A line's content that is not blank-only, does not start with a comment char, and has no edge blanks. */
const word = text(12).map((s) => {
  let t = trimBlanks(s);
  if (t === "" || t.startsWith("#") || t.startsWith(";")) t = `w${t}`;
  return t;
});

/** A final line: no trailing blank, except the one that keeps a final backslash from continuing. */
const finalLine = fc.tuple(word, fc.boolean()).map(([w, x]) => (oddBackslashes(w) ? (x ? `${w}x` : `${w} `) : w));
/** A line that continues: ends in an odd number of backslashes. */
const continuedLine = fc.tuple(text(10), fc.boolean()).map(([s, indent]) => {
  const body = s.replace(/\\+$/, "");
  return `${indent ? "  " : ""}${body}\\`;
});
const commentLine = fc.tuple(fc.constantFrom("#", ";", "  #"), text(10)).map(([c, s]) => `${c}${s}`);

const singleValue = fc.oneof(fc.constant(""), finalLine);
const continuedValue = fc
  .tuple(
    word.map((w) => `${w.replace(/\\+$/, "") || "w"} \\`),
    fc.array(fc.oneof(continuedLine, commentLine), { maxLength: 3 }),
    fc.oneof(finalLine, fc.constant("")),
  )
  .map(([first, middle, last]) => [first, ...middle, last].join("\n"));

export const value: fc.Arbitrary<string> = fc.oneof({ weight: 4, arbitrary: singleValue }, { weight: 1, arbitrary: continuedValue });

export const sectionName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,10}$/);
export const keyName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,10}$/);

const blank: fc.Arbitrary<Blank> = fc.constant({ kind: "blank" as const });
const comment: fc.Arbitrary<Comment> = fc
  .tuple(fc.constantFrom("#", ";"), text(20))
  .map(([c, s]) => ({ kind: "comment" as const, text: `${c}${s}` }));
const assignment: fc.Arbitrary<Assignment> = fc.record({ kind: fc.constant("assignment" as const), key: keyName, value });
const trivia: fc.Arbitrary<Trivia> = fc.oneof(blank, comment);
const entry: fc.Arbitrary<Entry> = fc.oneof({ weight: 1, arbitrary: trivia }, { weight: 3, arbitrary: assignment });
const section: fc.Arbitrary<Section> = fc.record({ name: sectionName, entries: fc.array(entry, { maxLength: 6 }) });

export const unitFile: fc.Arbitrary<UnitFile> = fc.record({
  preamble: fc.array(trivia, { maxLength: 3 }),
  sections: fc.array(section, { maxLength: 5 }),
});

export const optionList: fc.Arbitrary<UnitOption[]> = fc.array(fc.record({ section: sectionName, name: keyName, value }), {
  maxLength: 12,
});

/** Text made of lines a unit file may (or may not) contain, for fixed-point properties. */
export const looseText: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(
      fc.oneof(
        sectionName.map((n) => `[${n}]`),
        fc.tuple(keyName, text(12), text(3), text(3)).map(([k, v, a, b]) => `${a.replace(/\S/g, "")}${k}${b.replace(/\S/g, "")}=${v}`),
        commentLine,
        text(4).map((s) => s.replace(/\S/g, "")),
        continuedLine,
        text(12),
      ),
      { maxLength: 14 },
    ),
    fc.constantFrom("\n", "\r\n"),
    fc.boolean(),
  )
  .map(([lines, eol, bom]) => `${bom ? "\uFEFF" : ""}[Unit]${eol}${lines.join(eol)}${eol}`);
