// Where JSON text stops being JSON. Node's JSON.parse messages differ between versions
// and quote the surrounding text — for client.json that text may be a token — so the
// position is found here and messages show a line, a column and one character only.
// A plain recursive-descent walk of RFC 8259's grammar; call it after JSON.parse failed.

export interface JsonSyntaxError {
  readonly line: number;
  readonly column: number;
  /** What was found there, e.g. `","`, "end of input", "U+0001". */
  readonly found: string;
}

class Walker {
  i = 0;
  depth = 0;
  constructor(readonly s: string) {}

  ws(): void {
    while (this.i < this.s.length && " \t\n\r".includes(this.s[this.i]!)) this.i++;
  }

  value(): boolean {
    this.ws();
    const c = this.s[this.i];
    if (c === "{") return this.container("}", true);
    if (c === "[") return this.container("]", false);
    if (c === '"') return this.string();
    for (const word of ["true", "false", "null"]) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return true;
      }
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m || m[0] === "" || m[0] === "-") return false;
    this.i += m[0].length;
    return true;
  }

  container(close: string, object: boolean): boolean {
    if (++this.depth > 512) return false;
    this.i++;
    this.ws();
    if (this.s[this.i] === close) {
      this.i++;
      this.depth--;
      return true;
    }
    for (;;) {
      if (object) {
        this.ws();
        if (this.s[this.i] !== '"' || !this.string()) return false;
        this.ws();
        if (this.s[this.i] !== ":") return false;
        this.i++;
      }
      if (!this.value()) return false;
      this.ws();
      if (this.s[this.i] === ",") {
        this.i++;
        continue;
      }
      if (this.s[this.i] !== close) return false;
      this.i++;
      this.depth--;
      return true;
    }
  }

  string(): boolean {
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = this.s[this.i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) return false;
          this.i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) return false;
        this.i += 2;
        continue;
      }
      this.i++;
    }
    return false;
  }
}

function describe(c: string | undefined): string {
  if (c === undefined) return "end of input";
  const code = c.codePointAt(0)!;
  return code < 0x20 || code === 0x7f ? `U+${code.toString(16).toUpperCase().padStart(4, "0")}` : JSON.stringify(c);
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const w = new Walker(text);
  let ok = w.value();
  if (ok) {
    w.ws();
    ok = w.i === text.length;
  }
  if (ok) return undefined;
  const before = text.slice(0, w.i);
  const line = before.split("\n").length;
  const column = w.i - before.lastIndexOf("\n");
  return { line, column, found: describe(text[w.i]) };
}
