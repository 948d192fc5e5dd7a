// SOAP 1.1 for vim25: request envelopes and the decoding of answers into either the
// `<MethodResponse>` element or a VsphereProblem. Pure: no I/O here.
import { el, elementsOf, firstElement, parseXml, textOf, type Xml, type XmlChild, type XmlElement, type XmlLimits } from "./xml";
import type { MoRef, VsphereProblem } from "./types";

export const SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/";
export const XSI = "http://www.w3.org/2001/XMLSchema-instance";
export const XSD = "http://www.w3.org/2001/XMLSchema";
export const VIM25 = "urn:vim25";

/** A full request document for `method` on `target`, with the parameters in WSDL order. */
export function envelope(method: string, target: MoRef, ...params: XmlChild[]): string {
  const body = el(method, { xmlns: VIM25 }, moref("_this", target), ...params);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:xsd="${XSD}" xmlns:xsi="${XSI}">` +
    `<soapenv:Body>${body.xml}</soapenv:Body></soapenv:Envelope>`
  );
}

export function moref(tag: string, ref: MoRef): Xml {
  return el(tag, { type: ref.type }, ref.value);
}

/** An element carrying `xsi:type`, needed wherever the WSDL declares a base or anyType. */
export function typed(tag: string, xsiType: string, ...children: XmlChild[]): Xml {
  return el(tag, { "xsi:type": xsiType }, ...children);
}

export type SoapAnswer = { readonly ok: true; readonly response: XmlElement } | { readonly ok: false; readonly problem: VsphereProblem };

/**
 * Decodes one HTTP answer to `method`. A SOAP fault (HTTP 500 by the spec, but any
 * status is read) becomes a "fault" problem; a non-XML body with a non-200 status an
 * "http" problem; anything else that is not `Envelope/Body/<method>Response` a
 * "response" problem naming what was missing.
 */
export function decodeAnswer(method: string, status: number, body: string, limits?: XmlLimits): SoapAnswer {
  const parsed = parseXml(body, limits);
  if (!parsed.ok) {
    if (status !== 200) return { ok: false, problem: { kind: "http", method, status, snippet: snippet(body) } };
    const p = parsed.problem;
    return bad(method, `malformed XML at line ${p.line}, column ${p.column}: ${p.message} (${p.code})`);
  }
  const env = parsed.root;
  if (env.name !== "Envelope" || env.ns !== SOAP_ENV) {
    if (status !== 200) return { ok: false, problem: { kind: "http", method, status, snippet: snippet(body) } };
    return bad(method, `root element is <${env.name}> in namespace "${env.ns}", expected a SOAP Envelope`);
  }
  const bodyEl = elementsOf(env).find((e) => e.name === "Body" && e.ns === SOAP_ENV);
  if (!bodyEl) return bad(method, "SOAP Envelope has no Body");
  const first = firstElement(bodyEl);
  if (!first) return bad(method, "SOAP Body is empty");
  if (first.name === "Fault" && first.ns === SOAP_ENV) return { ok: false, problem: decodeFault(method, first) };
  if (first.name !== `${method}Response`) return bad(method, `SOAP Body holds <${first.name}>, expected <${method}Response>`);
  if (status !== 200) return { ok: false, problem: { kind: "http", method, status, snippet: snippet(body) } };
  return { ok: true, response: first };
}

function bad(method: string, message: string): SoapAnswer {
  return { ok: false, problem: { kind: "response", method, message } };
}

/** A printable excerpt of an unexpected body: whitespace collapsed, at most 200 chars. */
export function snippet(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function decodeFault(method: string, fault: XmlElement): VsphereProblem {
  const message = textOf(firstElement(fault, "faultstring") ?? fault).trim();
  const detail = firstElement(fault, "detail");
  const inner = detail ? firstElement(detail) : undefined;
  if (!inner) {
    const code = textOf(firstElement(fault, "faultcode") ?? fault).trim();
    return { kind: "fault", method, faultType: localName(code) || "UnknownFault", message, fields: {} };
  }
  return { kind: "fault", method, faultType: faultTypeOf(inner), message, fields: faultFields(inner) };
}

/** `xsi:type` of a fault element, else its element name without the "Fault" suffix. */
export function faultTypeOf(e: XmlElement): string {
  return xsiType(e) ?? e.name.replace(/Fault$/, "");
}

/**
 * The fault's simple fields, for messages: text children as is, references as
 * "Type:value"; nested structures are left out (faults carry only a few scalars).
 */
export function faultFields(e: XmlElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of elementsOf(e)) {
    if (elementsOf(c).length) continue;
    const ref = readMoRef(c);
    const value = ref ? `${ref.type}:${ref.value}` : textOf(c).trim();
    if (value) out[c.name] = out[c.name] ? `${out[c.name]},${value}` : value;
  }
  return out;
}

export function xsiType(e: XmlElement): string | undefined {
  const t = e.attrs[`{${XSI}}type`];
  return t === undefined ? undefined : localName(t);
}

function localName(qname: string): string {
  return qname.slice(qname.indexOf(":") + 1);
}

/** `<x type="VirtualMachine">vm-1</x>` → MoRef; undefined when it is not one. */
export function readMoRef(e: XmlElement | undefined): MoRef | undefined {
  if (!e) return undefined;
  const type = e.attrs["type"];
  const value = textOf(e).trim();
  if (!type || !value || elementsOf(e).length) return undefined;
  return { type, value };
}

/** Property values of one object from a RetrievePropertiesEx answer: name → `<val>`. */
export function propSetOf(objectContent: XmlElement): Map<string, XmlElement> {
  const out = new Map<string, XmlElement>();
  for (const p of elementsOf(objectContent, "propSet")) {
    const name = firstElement(p, "name");
    const val = firstElement(p, "val");
    if (name && val) out.set(textOf(name).trim(), val);
  }
  return out;
}
