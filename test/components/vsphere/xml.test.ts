import fc from "fast-check";
import { el, elementsOf, escapeText, parseXml, textOf, type Xml, type XmlElement, type XmlProblemCode } from "../../../components/vsphere/xml";

function root(text: string): XmlElement {
  const r = parseXml(text);
  if (!r.ok) throw new Error(`unexpected problem ${r.problem.code}: ${r.problem.message}`);
  return r.root;
}

function problem(text: string, limits = {}): { code: XmlProblemCode; line: number; column: number; message: string } {
  const r = parseXml(text, limits);
  if (r.ok) throw new Error(`expected a problem for ${JSON.stringify(text.slice(0, 60))}`);
  return r.problem;
}

describe("parseXml", () => {
  test("resolves namespaces: default, prefixed, attributes in Clark notation", () => {
    const r = root(
      `<?xml version="1.0"?><e:Envelope xmlns:e="urn:env" xmlns:xsi="urn:xsi"><e:Body><R xmlns="urn:vim25"><v xsi:type="xsd:string" type="VirtualMachine">vm-1</v></R></e:Body></e:Envelope>`,
    );
    expect(r).toMatchObject({ name: "Envelope", ns: "urn:env" });
    const v = elementsOf(elementsOf(elementsOf(r)[0]!)[0]!)[0]!;
    expect(v.ns).toBe("urn:vim25");
    expect(v.attrs).toEqual({ "{urn:xsi}type": "xsd:string", type: "VirtualMachine" });
    expect(textOf(v)).toBe("vm-1");
  });

  test("decodes predefined entities, character references and CDATA; skips comments and PIs", () => {
    const r = root(`<a t="&quot;x&apos;">&lt;b&gt; &amp; &#65;&#x42;&#x1F600;<!-- c --><?pi x?><![CDATA[<raw & stuff>]]></a>`);
    expect(r.attrs["t"]).toBe(`"x'`);
    expect(textOf(r)).toBe("<b> & AB\u{1F600}<raw & stuff>");
  });

  test("self-closing elements, single quotes, whitespace around '=' and BOM", () => {
    const r = root(`\uFEFF<a><b x = 'one' /><c/></a>`);
    expect(elementsOf(r).map((e) => [e.name, e.attrs])).toEqual([["b", { x: "one" }], ["c", {}]]);
  });

  const garbage: Array<[string, string, XmlProblemCode]> = [
    ["empty", "", "no-root"],
    ["only whitespace", "  \n ", "no-root"],
    ["text before root", "hello <a/>", "syntax"],
    ["unclosed element", "<a><b></b>", "unclosed"],
    ["mismatched close", "<a><b></a></b>", "mismatched-tag"],
    ["stray close", "</a>", "mismatched-tag"],
    ["two roots", "<a/><b/>", "trailing-content"],
    ["trailing text", "<a/>junk", "trailing-content"],
    ["DOCTYPE with entity (billion laughs)", `<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>`, "doctype-refused"],
    ["unknown entity", "<a>&nbsp;</a>", "bad-reference"],
    ["bare ampersand", "<a>fish & chips</a>", "bad-reference"],
    ["reference to NUL", "<a>&#0;</a>", "bad-reference"],
    ["surrogate reference", "<a>&#xD800;</a>", "bad-reference"],
    ["unquoted attribute", "<a x=1/>", "syntax"],
    ["attribute without value", "<a x/>", "syntax"],
    ["duplicate attribute", `<a x="1" x="2"/>`, "duplicate-attribute"],
    ["'<' in attribute", `<a x="<"/>`, "syntax"],
    ["unbound element prefix", "<p:a/>", "unbound-prefix"],
    ["unbound attribute prefix", `<a p:x="1"/>`, "unbound-prefix"],
    ["unterminated comment", "<a><!-- x</a>", "unclosed"],
    ["unterminated CDATA", "<a><![CDATA[x</a>", "unclosed"],
    ["unterminated attribute", `<a x="1/>`, "unclosed"],
    ["bad name", "<1a/>", "syntax"],
    ["attributes not separated", `<a x="1"y="2"/>`, "syntax"],
  ];
  test.each(garbage)("refuses %s with a positioned problem", (_label, text, code) => {
    const p = problem(text);
    expect(p.code).toBe(code);
    expect(p.line).toBeGreaterThanOrEqual(1);
    expect(p.column).toBeGreaterThanOrEqual(1);
    expect(p.message.length).toBeGreaterThan(5);
  });

  test("reports line and column of the offending spot", () => {
    expect(problem("<a>\n  <b>\n  </c>\n</a>")).toMatchObject({ code: "mismatched-tag", line: 3, column: 3 });
  });

  test("bounds size, depth and node count", () => {
    expect(problem("<a>" + "x".repeat(2000) + "</a>", { maxChars: 1000 }).code).toBe("too-large");
    expect(problem("<a>".repeat(70) + "</a>".repeat(70)).code).toBe("too-deep");
    expect(problem("<a>" + "<b/>".repeat(1001) + "</a>", { maxNodes: 1000 }).code).toBe("too-many-nodes");
    // A deep but allowed document still parses.
    expect(root("<a>".repeat(60) + "</a>".repeat(60)).name).toBe("a");
  });

  test("never throws on arbitrary input (fuzz)", () => {
    const alphabet = fc.constantFrom("<", ">", "/", "a", "b:", "x", "=", '"', "'", "&", ";", "#", "!", "?", "-", "[", "]", " ", "\n", "xmlns", ":");
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }).map((a) => a.join("")), (s) => {
        const r = parseXml(s);
        expect(typeof r.ok).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });
});

describe("el (writer) round-trips through parseXml", () => {
  test("escapes text and attributes so any string survives", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ maxLength: 20 }), (text, attr) => {
        const clean = (s: string): string => s.replace(/[^\t\n\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "");
        const t = clean(text);
        const a = clean(attr);
        const r = root(el("x", { k: a }, t).xml);
        expect(textOf(r)).toBe(t);
        expect(r.attrs["k"]).toBe(a);
      }),
      { numRuns: 500 },
    );
  });

  test("nested trees survive, optional children are skipped", () => {
    type Tree = { name: string; text: string; kids: Tree[] };
    const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
      t: fc.record({
        name: fc.constantFrom("a", "b", "val", "propSet"),
        text: fc.string({ maxLength: 5 }).map((s) => s.replace(/[^ -~]/g, "")),
        kids: fc.oneof({ maxDepth: 4, depthIdentifier: "t" }, fc.constant<Tree[]>([]), fc.array(tie("t"), { maxLength: 3 })),
      }),
    })).t;
    const write = (t: Tree): Xml => el(t.name, null, t.text, undefined, t.kids.map(write));
    const read = (e: XmlElement): Tree => ({ name: e.name, text: textOf(e), kids: elementsOf(e).map(read) });
    fc.assert(fc.property(tree, (t) => expect(read(root(write(t).xml))).toEqual(t)), { numRuns: 300 });
  });

  test("refuses invalid tag names instead of writing broken XML", () => {
    expect(() => el("a b", null)).toThrow(/invalid XML tag name/);
    expect(() => el("<x>", null)).toThrow(/invalid XML tag name/);
  });

  test("escapeText keeps carriage returns as references", () => {
    expect(escapeText("a\r\nb<")).toBe("a&#13;\nb&lt;");
  });
});
