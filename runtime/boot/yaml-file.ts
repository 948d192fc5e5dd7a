// Data file text (YAML, or JSON — a subset of YAML 1.2) → plain data, keeping source
// positions so a problem found later by field path can name its line. Integers written
// with a leading zero (`mode: 0644` in an embedded machine) are kept as text, as the
// machine YAML loader does, so they are read as octal like YAML 1.1 and coreos-cloudinit.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from "yaml";
import type { FieldPath } from "../../machine";
import { excerpt, type BootProblem } from "./problems";

/** Data files are small; anything larger is refused before parsing. */
export const DATA_FILE_MAX_BYTES = 4 * 1024 * 1024;

export type ParsedFile =
  | { readonly ok: true; readonly value: unknown; lineOf(at: FieldPath): number | undefined }
  | { readonly ok: false; readonly problems: readonly BootProblem[] };

function keepLeadingZeros(doc: Document, text: string): void {
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== "number" || node.type !== "PLAIN" || !node.range) return;
      if (/^[-+]?0[0-9]+$/.test(text.slice(node.range[0], node.range[1]))) node.value = text.slice(node.range[0], node.range[1]);
    },
  });
}

export function parseDataFile(text: string, file: string): ParsedFile {
  const fail = (value: string, message: string, line?: number): ParsedFile => ({ ok: false, problems: [{ code: "syntax", file, ...(line !== undefined && { line }), at: [], value, message }] });
  if (Buffer.byteLength(text) > DATA_FILE_MAX_BYTES) return fail(`<${text.length} chars>`, `file is larger than ${DATA_FILE_MAX_BYTES} bytes`);
  if (file.endsWith(".json")) {
    try {
      JSON.parse(text);
    } catch (err) {
      const pos = Number(/position (\d+)/.exec((err as Error).message)?.[1] ?? "0");
      return fail(excerpt(text.slice(pos, pos + 20).trim() || "(end of file)"), `not valid JSON: ${(err as Error).message}`, text.slice(0, pos).split("\n").length);
    }
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const problems = doc.errors.map((e): BootProblem => ({
      code: "syntax",
      file,
      line: lines.linePos(e.pos[0]).line,
      at: [],
      value: excerpt(text.slice(e.pos[0], Math.max(e.pos[1], e.pos[0] + 1)).trim() || "(end of file)"),
      message: `not valid YAML/JSON: ${e.message.split("\n")[0]}`,
    }));
    return { ok: false, problems };
  }
  keepLeadingZeros(doc, text);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 }); // bounds alias expansion ("billion laughs")
  } catch (err) {
    return fail("(document)", `not valid YAML/JSON: ${(err as Error).message}`);
  }
  // The line of the KEY for mapping entries (a missing field points at its parent's key),
  // of the item for list entries.
  const lineOf = (at: FieldPath): number | undefined => {
    if (doc.contents === null) return 1;
    for (let n = at.length; n > 0; n--) {
      const parent = n === 1 ? doc.contents : doc.getIn(at.slice(0, n - 1), true);
      const seg = at[n - 1];
      const node = isMap(parent) ? parent.items.find((pair) => isScalar(pair.key) && pair.key.value === seg)?.key : isSeq(parent) && typeof seg === "number" ? parent.items[seg] : undefined;
      const range = node !== null && typeof node === "object" ? (node as { range?: [number, number, number] }).range : undefined;
      if (range) return lines.linePos(range[0]).line;
    }
    const top = (doc.contents as { range?: [number, number, number] }).range;
    return top ? lines.linePos(top[0]).line : 1;
  };
  return { ok: true, value, lineOf };
}
