// YAML text → plain data, with the source positions kept so problems found later (by
// field path) can name the file and line. Integers written with a leading zero
// (`mode: 0644`, `permissions: 0600`) are kept as their text, which the loaders read as
// octal the way YAML 1.1 and coreos-cloudinit do; YAML 1.2 would silently make 644.
import { LineCounter, parseDocument, visit, isScalar, type Document } from "yaml";
import { excerpt, type FieldPath, type MachineProblem } from "./problems";

/** Larger inputs are refused before parsing (user data is at most 64 KiB anyway). */
export const YAML_MAX_BYTES = 32 * 1024 * 1024;

export interface YamlSource {
  /** The parsed value; undefined when the text did not parse. */
  readonly value: unknown;
  readonly problems: readonly MachineProblem[];
  /** 1-based line of the node at `at`, or of its nearest present ancestor. */
  lineOf(at: FieldPath): number | undefined;
}

function keepLeadingZeros(doc: Document, text: string): void {
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== "number" || node.type !== "PLAIN" || !node.range) return;
      const src = text.slice(node.range[0], node.range[1]);
      if (/^[-+]?0[0-9]+$/.test(src)) node.value = src;
    },
  });
}

export function parseYamlSource(text: string): YamlSource {
  const noLines: YamlSource["lineOf"] = () => undefined;
  if (Buffer.byteLength(text) > YAML_MAX_BYTES) {
    const problem: MachineProblem = { code: "syntax", at: [], value: `<${text.length} chars>`, message: `input is larger than ${YAML_MAX_BYTES} bytes` };
    return { value: undefined, problems: [problem], lineOf: noLines };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const problems = doc.errors.map((e): MachineProblem => {
      const line = e.linePos?.[0].line ?? lines.linePos(e.pos[0]).line;
      return { code: "syntax", at: [], value: excerpt(text.slice(e.pos[0], e.pos[1]) || text.slice(e.pos[0], e.pos[0] + 40)), message: `YAML: ${e.message.split("\n")[0]}`, line };
    });
    return { value: undefined, problems, lineOf: noLines };
  }
  keepLeadingZeros(doc, text);
  let value: unknown;
  try {
    // maxAliasCount bounds "billion laughs" alias expansion.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const problem: MachineProblem = { code: "syntax", at: [], value: "(document)", message: `YAML: ${(err as Error).message}` };
    return { value: undefined, problems: [problem], lineOf: noLines };
  }
  const lineOf = (at: FieldPath): number | undefined => {
    if (doc.contents === null) return 1; // an empty document: its problems are on line 1
    for (let n = at.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(at.slice(0, n), true);
      if (node && (isScalar(node) || typeof node === "object") && "range" in (node as object)) {
        const range = (node as { range?: [number, number, number] }).range;
        if (range) return lines.linePos(range[0]).line;
      }
    }
    return undefined;
  };
  return { value, problems: [], lineOf };
}

/** Adds file and line to problems whose field path points into the YAML source. */
export function locateProblems(problems: readonly MachineProblem[], src: Pick<YamlSource, "lineOf">, file: string, mapPath: (at: FieldPath) => FieldPath = (a) => a): MachineProblem[] {
  return problems.map((p) => {
    const line = p.line ?? src.lineOf(mapPath(p.at));
    return { ...p, file, ...(line !== undefined && { line }) };
  });
}
