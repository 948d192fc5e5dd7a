import fc from "fast-check";
import {
  fromOptions,
  hashOptions,
  hashUnit,
  parseUnit,
  serializeUnit,
  toOptions,
  validateUnit,
  withoutPositions,
  type UnitFile,
} from "../../units";
import { looseText, optionList, unitFile } from "./arbitraries";

const RUNS = { numRuns: 400 };

function mustParse(text: string): UnitFile {
  const r = parseUnit(text);
  if (!r.ok) throw new Error(`parse failed: ${JSON.stringify(r.problems)}\n${JSON.stringify(text)}`);
  return r.value;
}

describe("round trips (fast-check)", () => {
  it("parse(serialize(m)) equals m for every valid model", () => {
    fc.assert(
      fc.property(unitFile, (m) => {
        expect(validateUnit(m)).toEqual([]);
        expect(withoutPositions(mustParse(serializeUnit(m)))).toEqual(m);
      }),
      RUNS,
    );
  });

  it("serialize(parse(x)) is a fixed point after one pass, and keeps the options", () => {
    let parsedCount = 0;
    fc.assert(
      fc.property(looseText, (x) => {
        const r = parseUnit(x);
        if (!r.ok) return;
        parsedCount++;
        const once = serializeUnit(r.value);
        const again = mustParse(once);
        expect(serializeUnit(again)).toBe(once);
        expect(withoutPositions(again)).toEqual(withoutPositions(r.value));
        expect(toOptions(again)).toEqual(toOptions(r.value));
      }),
      RUNS,
    );
    // The property must not pass vacuously: many generated texts are valid unit files.
    expect(parsedCount).toBeGreaterThan(RUNS.numRuns / 10);
  });

  it("the option list survives fromOptions → toOptions exactly, and through text", () => {
    fc.assert(
      fc.property(optionList, (opts) => {
        const m = fromOptions(opts);
        if (!m.ok) throw new Error(JSON.stringify(m.problems));
        expect(toOptions(m.value)).toEqual(opts);
        expect(toOptions(mustParse(serializeUnit(m.value)))).toEqual(opts);
      }),
      RUNS,
    );
  });

  it("the hash depends on options only: text round trips and comments never change it", () => {
    fc.assert(
      fc.property(unitFile, (m) => {
        const h = hashUnit(m);
        expect(hashUnit(mustParse(serializeUnit(m)))).toBe(h);
        const noTrivia: UnitFile = { preamble: [], sections: m.sections.map((s) => ({ ...s, entries: s.entries.filter((e) => e.kind === "assignment") })) };
        expect(hashUnit(noTrivia)).toBe(h);
        expect(hashOptions(toOptions(m))).toBe(h);
      }),
      RUNS,
    );
  });
});

describe("validateUnit is exactly the round-trip condition (fast-check)", () => {
  const CHARS = ["a", " ", "\t", "\\", "\n", "#", ";", "=", "[", "]", "\r"];
  const anyValue = fc.array(fc.constantFrom(...CHARS), { maxLength: 10 }).map((cs) => cs.join(""));

  it("a model validateUnit accepts round trips; one it refuses does not", () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(anyValue, (v) => {
        const m: UnitFile = { preamble: [], sections: [{ name: "S", entries: [{ kind: "assignment", key: "K", value: v }, { kind: "assignment", key: "L", value: "x" }] }] };
        const valid = validateUnit(m).length === 0;
        const r = parseUnit(serializeUnit(m));
        const same = r.ok && JSON.stringify(withoutPositions(r.value)) === JSON.stringify(m);
        if (valid) accepted++;
        else refused++;
        expect(same).toBe(valid);
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});

describe("validateUnit", () => {
  it("names each bad field of a model built in code", () => {
    const m = {
      preamble: [{ kind: "comment" as const, text: "no hash" }],
      sections: [
        {
          name: "Bad Name",
          entries: [
            { kind: "assignment" as const, key: "Exec Start", value: "/bin/true" },
            { kind: "assignment" as const, key: "ExecStart", value: "/bin/true \\" },
          ],
        },
      ],
    };
    expect(validateUnit(m, "gen.service").map((p) => [p.code, p.message.split(":")[0]])).toEqual([
      ["invalid-line", "preamble[0].text"],
      ["invalid-section-name", "sections[0].name"],
      ["invalid-key", "sections[0].entries[0].key"],
      ["invalid-option-value", "sections[0].entries[1].value"],
    ]);
  });
});
