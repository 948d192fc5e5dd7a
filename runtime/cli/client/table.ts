// Aligned text tables in fleetctl's layout: a header row (the legend, dropped with
// --no-legend), columns separated by at least two spaces, the last column unpadded.
// Cells are cleaned of control characters first: names and metadata come from the
// cluster and must not be able to move the cursor of the terminal showing them.

/** Replaces control characters with visible escapes (\n, \t, \x1b…). */
export function cleanCell(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    if (c === "\r") return "\\r";
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
}

export interface TableOptions {
  /** Print the header row (default true). */
  readonly legend?: boolean;
}

/** Renders rows under headers; every row must have one cell per header. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], opts: TableOptions = {}): string {
  const legend = opts.legend ?? true;
  const all = (legend ? [headers, ...rows] : rows).map((r) => r.map(cleanCell));
  if (all.length === 0) return "";
  const widths = headers.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? "")].length)));
  const lines = all.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell + " ".repeat(widths[i]! - [...cell].length + 2)))
      .join("")
      .trimEnd(),
  );
  return `${lines.join("\n")}\n`;
}

/** fleetctl's `--fields` parser: comma-separated names from `known`, at least one. */
export function parseFields<F extends string>(text: string, known: readonly F[]): { ok: true; fields: F[] } | { ok: false; message: string } {
  const names = text.split(",").map((s) => s.trim());
  if (names.some((n) => n === "")) return { ok: false, message: `--fields ${JSON.stringify(text)}: empty field name; expected a comma-separated list of ${known.join(", ")}` };
  const unknown = names.filter((n) => !(known as readonly string[]).includes(n));
  if (unknown.length > 0) {
    return { ok: false, message: `--fields: unknown field ${unknown.map((u) => JSON.stringify(u)).join(", ")}; accepted fields are ${known.join(", ")}` };
  }
  return { ok: true, fields: names as F[] };
}
