// A small, strict XML reader for SOAP responses, and an escaping writer for requests.
//
// Reader contract: well-formed XML 1.0 without a DOCTYPE (refused, so no entity
// expansion is ever possible), only the five predefined entities and character
// references, namespaces resolved (an element's `ns` is its URI; prefixed attributes are
// keyed in Clark notation `{uri}local`, unprefixed ones by name; `xmlns` declarations are
// not attributes). Input size, nesting depth and node count are bounded. Never throws:
// the result is a value or an XmlProblem with line and column.

export interface XmlElement {
  readonly name: string;
  readonly ns: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
}
export type XmlNode = XmlElement | string;

export type XmlProblemCode =
  | "too-large" | "too-deep" | "too-many-nodes" | "doctype-refused" | "syntax"
  | "mismatched-tag" | "unclosed" | "bad-reference" | "unbound-prefix" | "duplicate-attribute"
  | "no-root" | "trailing-content";

export interface XmlProblem {
  readonly code: XmlProblemCode;
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

export type XmlResult = { readonly ok: true; readonly root: XmlElement } | { readonly ok: false; readonly problem: XmlProblem };

export interface XmlLimits {
  /** Characters of input accepted; default 32 Mi. */
  readonly maxChars?: number;
  /** Element nesting accepted; default 64 (SOAP responses nest about 15 deep). */
  readonly maxDepth?: number;
  /** Elements plus text nodes accepted; default 500 000. */
  readonly maxNodes?: number;
}

export const XML_NS = "http://www.w3.org/XML/1998/namespace";
const NAME = /[A-Za-z_][A-Za-z0-9_.\-]*(?::[A-Za-z_][A-Za-z0-9_.\-]*)?/y;
const SPACE = /[ \t\r\n]*/y;
const PREDEFINED: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

class Fail {
  constructor(readonly code: XmlProblemCode, readonly message: string, readonly at: number) {}
}

interface Open {
  readonly qname: string;
  readonly name: string;
  readonly ns: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlNode[];
  readonly scope: ReadonlyMap<string, string>;
}

export function parseXml(text: string, limits: XmlLimits = {}): XmlResult {
  const maxChars = limits.maxChars ?? 32 * 1024 * 1024;
  if (text.length > maxChars) {
    return { ok: false, problem: { code: "too-large", message: `document has ${text.length} characters; at most ${maxChars} accepted`, line: 1, column: 1 } };
  }
  try {
    return { ok: true, root: new Reader(text, limits.maxDepth ?? 64, limits.maxNodes ?? 500_000).document() };
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    const { line, column } = position(text, e.at);
    return { ok: false, problem: { code: e.code, message: e.message, line, column } };
  }
}

function position(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < at && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: at - start + 1 };
}

// State is set in the constructor body, not by field initialisers: Pulumi's closure
// serialiser rebuilds classes from their methods and drops initialisers.
class Reader {
  private i: number;
  private nodes: number;
  private readonly stack: Open[];
  private root: XmlElement | undefined;

  constructor(private readonly s: string, private readonly maxDepth: number, private readonly maxNodes: number) {
    this.i = 0;
    this.nodes = 0;
    this.stack = [];
    this.root = undefined;
  }

  document(): XmlElement {
    if (this.s.charCodeAt(0) === 0xfeff) this.i = 1;
    if (this.s.startsWith("<?xml", this.i)) this.skipPast("?>", "XML declaration");
    while (this.i < this.s.length) {
      const lt = this.s.indexOf("<", this.i);
      const end = lt < 0 ? this.s.length : lt;
      if (end > this.i) this.text(this.s.slice(this.i, end));
      if (lt < 0) break;
      this.i = lt;
      this.markup();
    }
    if (this.stack.length) throw new Fail("unclosed", `element <${this.stack[this.stack.length - 1]!.qname}> is never closed`, this.s.length);
    if (!this.root) throw new Fail("no-root", "document has no root element", this.s.length);
    return this.root;
  }

  private markup(): void {
    const s = this.s;
    if (s.startsWith("<!--", this.i)) return this.skipPast("-->", "comment");
    if (s.startsWith("<![CDATA[", this.i)) {
      const start = this.i + 9;
      this.skipPast("]]>", "CDATA section");
      return this.text(s.slice(start, this.i - 3), true);
    }
    if (s.startsWith("<!DOCTYPE", this.i) || s.startsWith("<!", this.i)) {
      throw new Fail("doctype-refused", "DOCTYPE and other <! declarations are refused (no DTDs or entity definitions)", this.i);
    }
    if (s.startsWith("<?", this.i)) return this.skipPast("?>", "processing instruction");
    if (s.startsWith("</", this.i)) return this.closeTag();
    this.openTag();
  }

  private skipPast(end: string, what: string): void {
    const at = this.s.indexOf(end, this.i);
    if (at < 0) throw new Fail("unclosed", `${what} is never closed (expected "${end}")`, this.i);
    this.i = at + end.length;
  }

  private text(raw: string, cdata = false): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      if (/^[ \t\r\n]*$/.test(raw)) return;
      throw new Fail(this.root ? "trailing-content" : "syntax", "text outside the root element", this.i);
    }
    this.count();
    top.children.push(cdata ? raw : this.decode(raw, this.i));
  }

  private count(): void {
    if (++this.nodes > this.maxNodes) throw new Fail("too-many-nodes", `more than ${this.maxNodes} nodes`, this.i);
  }

  private name(): string {
    NAME.lastIndex = this.i;
    const m = NAME.exec(this.s);
    if (!m) throw new Fail("syntax", `expected a name, found ${JSON.stringify(this.s.slice(this.i, this.i + 10))}`, this.i);
    this.i = NAME.lastIndex;
    return m[0];
  }

  private space(): boolean {
    SPACE.lastIndex = this.i;
    SPACE.exec(this.s);
    const moved = SPACE.lastIndex > this.i;
    this.i = SPACE.lastIndex;
    return moved;
  }

  private openTag(): void {
    const at = this.i;
    if (this.root && !this.stack.length) throw new Fail("trailing-content", "a second root element", at);
    if (this.stack.length >= this.maxDepth) throw new Fail("too-deep", `elements nest deeper than ${this.maxDepth}`, at);
    this.i++;
    const qname = this.name();
    const raw = this.attributes();
    const selfClosing = this.s.startsWith("/>", this.i);
    if (!selfClosing && this.s[this.i] !== ">") throw new Fail("syntax", `expected ">" or "/>" in <${qname}>`, this.i);
    this.i += selfClosing ? 2 : 1;
    this.count();
    const open = this.resolve(qname, raw, at);
    if (selfClosing) this.attach(open);
    else this.stack.push(open);
  }

  private attributes(): Array<[string, string, number]> {
    const out: Array<[string, string, number]> = [];
    while (this.space() && this.i < this.s.length && this.s[this.i] !== ">" && this.s[this.i] !== "/") {
      const at = this.i;
      const name = this.name();
      this.space();
      if (this.s[this.i] !== "=") throw new Fail("syntax", `expected "=" after attribute ${name}`, this.i);
      this.i++;
      this.space();
      const quote = this.s[this.i];
      if (quote !== '"' && quote !== "'") throw new Fail("syntax", `attribute ${name} value must be quoted`, this.i);
      const end = this.s.indexOf(quote, this.i + 1);
      if (end < 0) throw new Fail("unclosed", `attribute ${name} value is never closed`, this.i);
      const value = this.s.slice(this.i + 1, end);
      if (value.includes("<")) throw new Fail("syntax", `"<" inside attribute ${name}`, this.i);
      this.i = end + 1;
      if (out.some(([n]) => n === name)) throw new Fail("duplicate-attribute", `attribute ${name} appears twice`, at);
      out.push([name, this.decode(value, at), at]);
    }
    return out;
  }

  private resolve(qname: string, raw: Array<[string, string, number]>, at: number): Open {
    const parent = this.stack[this.stack.length - 1];
    const scope = new Map(parent?.scope ?? [["xml", XML_NS]]);
    for (const [n, v] of raw) {
      if (n === "xmlns") scope.set("", v);
      else if (n.startsWith("xmlns:")) scope.set(n.slice(6), v);
    }
    const attrs: Record<string, string> = {};
    for (const [n, v, pos] of raw) {
      if (n === "xmlns" || n.startsWith("xmlns:")) continue;
      const colon = n.indexOf(":");
      if (colon < 0) attrs[n] = v;
      else attrs[`{${this.lookup(scope, n.slice(0, colon), pos)}}${n.slice(colon + 1)}`] = v;
    }
    const colon = qname.indexOf(":");
    const ns = colon < 0 ? scope.get("") ?? "" : this.lookup(scope, qname.slice(0, colon), at);
    return { qname, name: colon < 0 ? qname : qname.slice(colon + 1), ns, attrs, children: [], scope };
  }

  private lookup(scope: ReadonlyMap<string, string>, prefix: string, at: number): string {
    const uri = scope.get(prefix);
    if (uri === undefined) throw new Fail("unbound-prefix", `namespace prefix "${prefix}" is not declared`, at);
    return uri;
  }

  private closeTag(): void {
    const at = this.i;
    this.i += 2;
    const qname = this.name();
    this.space();
    if (this.s[this.i] !== ">") throw new Fail("syntax", `expected ">" in </${qname}>`, this.i);
    this.i++;
    const open = this.stack.pop();
    if (!open) throw new Fail("mismatched-tag", `closing tag </${qname}> with no open element`, at);
    if (open.qname !== qname) throw new Fail("mismatched-tag", `closing tag </${qname}> does not match <${open.qname}>`, at);
    this.attach(open);
  }

  private attach(open: Open): void {
    const el: XmlElement = { name: open.name, ns: open.ns, attrs: open.attrs, children: open.children };
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children.push(el);
    else this.root = el;
  }

  private decode(raw: string, at: number): string {
    if (!raw.includes("&")) return raw;
    return raw.replace(/&([^;&\s]{0,10});?/g, (whole, ref: string) => {
      if (!whole.endsWith(";")) throw new Fail("bad-reference", `"&" must start a reference ending in ";" (found ${JSON.stringify(whole)})`, at);
      const named = PREDEFINED[ref];
      if (named !== undefined) return named;
      const m = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(ref);
      const code = m ? parseInt(m[1] ?? m[2]!, m[1] ? 16 : 10) : NaN;
      if (!(code >= 0x9 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) {
        throw new Fail("bad-reference", `unknown or invalid reference "&${ref};" (accepted: &lt; &gt; &amp; &quot; &apos; &#N; &#xH;)`, at);
      }
      return String.fromCodePoint(code);
    });
  }
}

// ---- writing ----

/** Escaped XML text; only `el` and `raw` make one, so strings never slip in unescaped. */
export interface Xml {
  readonly xml: string;
}
export type XmlChild = Xml | string | number | boolean | undefined | null | readonly XmlChild[];

export function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&#13;"));
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/["\n\t]/g, (c) => (c === '"' ? "&quot;" : c === "\n" ? "&#10;" : "&#9;"));
}

/** An element; `undefined`/`null` children are skipped so optional fields read naturally. */
export function el(tag: string, attrs: Readonly<Record<string, string>> | null, ...children: XmlChild[]): Xml {
  if (!/^[A-Za-z_][A-Za-z0-9_.\-]*(:[A-Za-z_][A-Za-z0-9_.\-]*)?$/.test(tag)) throw new Error(`invalid XML tag name ${JSON.stringify(tag)}`);
  const a = Object.entries(attrs ?? {}).map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join("");
  return { xml: `<${tag}${a}>${children.map(serialize).join("")}</${tag}>` };
}

function serialize(c: XmlChild): string {
  if (c === undefined || c === null) return "";
  if (Array.isArray(c)) return c.map(serialize).join("");
  if (typeof c === "object") return (c as Xml).xml;
  return escapeText(String(c));
}

/** Text content of an element (children text joined; elements ignored). */
export function textOf(e: XmlElement): string {
  let out = "";
  for (const c of e.children) if (typeof c === "string") out += c;
  return out;
}

export function elementsOf(e: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of e.children) if (typeof c !== "string" && (name === undefined || c.name === name)) out.push(c);
  return out;
}

export function firstElement(e: XmlElement, name?: string): XmlElement | undefined {
  for (const c of e.children) if (typeof c !== "string" && (name === undefined || c.name === name)) return c;
  return undefined;
}
