// client.json, the file every client command reads its endpoint and credentials from
// (`hafen local up --dir D` writes D/client.json; Pulumi's Cluster outputs the same shape):
//   { "endpoint": "http://127.0.0.1:7480", "token": "hfa_…",
//     "ca": "ca.pem", "cert": "/abs/cert.pem", "key": "-----BEGIN PRIVATE KEY-----…" }
// `ca`/`cert`/`key` are paths (relative to the file's directory) or inline PEM text.
// This module is pure: text in, a validated value or every problem found out.
import { jsonSyntaxError } from "./json-position";

/** A problem with the client configuration: the file (or flag), the field, what is wrong. */
export interface ConfigProblem {
  /** The config file's path, or the flag (`--endpoint`) the value came from. */
  readonly file: string;
  /** 1-based line of a JSON syntax error; absent otherwise. */
  readonly line?: number;
  /** The offending field, e.g. "endpoint"; absent when the file as a whole is wrong. */
  readonly field?: string;
  /** What is wrong, naming the value and what would be accepted. */
  readonly message: string;
}

export function formatConfigProblem(p: ConfigProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ""}: ${p.field ? `field ${p.field}: ` : ""}${p.message}`;
}

/** Where a PEM value comes from; paths are already resolved against the config's directory. */
export type PemSource = { readonly kind: "inline"; readonly pem: string } | { readonly kind: "path"; readonly path: string };

export interface ClientConfigFile {
  readonly endpoint: string;
  readonly token?: string;
  readonly ca?: PemSource;
  readonly cert?: PemSource;
  readonly key?: PemSource;
}

export type ConfigResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

const FIELDS = ["endpoint", "token", "ca", "cert", "key"] as const;
const PEM_FIELDS = ["ca", "cert", "key"] as const;
/** Printable ASCII without blanks: anything else could split an Authorization header. */
const TOKEN = /^[\x21-\x7e]{1,4096}$/;
const PEM_BEGIN = "-----BEGIN";

/** Short, quoted and control-character-free rendering of a bad value for messages. */
export function show(value: unknown, max = 60): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}

/** Problems with an endpoint URL, or undefined when it is usable. `file`/`field` label them. */
export function checkEndpoint(value: unknown, file: string, field?: string): ConfigProblem | undefined {
  const bad = (message: string): ConfigProblem => ({ file, ...(field ? { field } : {}), message });
  const accepted = "expected http(s)://HOST[:PORT], e.g. http://127.0.0.1:7480";
  if (typeof value !== "string" || value.length === 0) return bad(`${show(value)} is not a URL; ${accepted}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return bad(`${show(value)} is not a URL; ${accepted}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return bad(`${show(value)} has scheme ${url.protocol}; ${accepted}`);
  if (url.username || url.password) return bad(`${show(value)} carries user credentials; put the token in the "token" field instead`);
  if (url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) {
    return bad(`${show(value)} has a path, query or fragment; ${accepted}`);
  }
  return undefined;
}

function parseJson(text: string, file: string): ConfigResult<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Node's own message quotes the text around the error, which may be a token.
    const at = jsonSyntaxError(text);
    const where = at ? `at column ${at.column}: unexpected ${at.found}` : "";
    return { ok: false, problems: [{ file, ...(at ? { line: at.line } : {}), message: `not valid JSON ${where}; expected an object like {"endpoint": "http://127.0.0.1:7480", "token": "..."}` }] };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, problems: [{ file, message: `expected a JSON object with ${FIELDS.join(", ")}; got ${Array.isArray(value) ? "an array" : show(value)}` }] };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

function pemSource(value: unknown, field: string, file: string, resolvePath: (p: string) => string): ConfigResult<PemSource> {
  if (typeof value !== "string" || value.trim().length === 0) {
    return { ok: false, problems: [{ file, field, message: `${show(value)} is not usable; expected a file path or PEM text starting with ${PEM_BEGIN}` }] };
  }
  if (value.trimStart().startsWith(PEM_BEGIN)) return { ok: true, value: { kind: "inline", pem: value } };
  if (value.includes("\0") || value.includes("\n")) {
    return { ok: false, problems: [{ file, field, message: `${show(value)} is neither a file path nor PEM text starting with ${PEM_BEGIN}` }] };
  }
  return { ok: true, value: { kind: "path", path: resolvePath(value) } };
}

/**
 * Validates client.json text. `resolvePath` turns a relative PEM path into one relative
 * to the config file's directory. Every problem is reported, not just the first.
 */
export function parseClientConfig(text: string, file: string, resolvePath: (p: string) => string): ConfigResult<ClientConfigFile> {
  const parsed = parseJson(text, file);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const problems: ConfigProblem[] = [];
  for (const k of Object.keys(o)) {
    if (!(FIELDS as readonly string[]).includes(k)) problems.push({ file, field: k, message: `unknown field; accepted fields are ${FIELDS.join(", ")}` });
  }
  if (o.endpoint === undefined) problems.push({ file, field: "endpoint", message: "missing; expected the API's URL, e.g. http://127.0.0.1:7480" });
  else {
    const p = checkEndpoint(o.endpoint, file, "endpoint");
    if (p) problems.push(p);
  }
  if (o.token !== undefined && (typeof o.token !== "string" || !TOKEN.test(o.token))) {
    problems.push({ file, field: "token", message: `${typeof o.token === "string" ? "a token with blanks or control characters (or empty)" : show(o.token)} is not usable; expected the API token as one word of printable ASCII` });
  }
  const pems: Partial<Record<(typeof PEM_FIELDS)[number], PemSource>> = {};
  for (const f of PEM_FIELDS) {
    if (o[f] === undefined) continue;
    const r = pemSource(o[f], f, file, resolvePath);
    if (r.ok) pems[f] = r.value;
    else problems.push(...r.problems);
  }
  if ((o.cert === undefined) !== (o.key === undefined)) {
    const missing = o.cert === undefined ? "cert" : "key";
    problems.push({ file, field: missing, message: "missing; a client certificate needs both cert and key" });
  }
  const plainHttp = typeof o.endpoint === "string" && o.endpoint.startsWith("http:");
  for (const f of PEM_FIELDS) {
    if (o[f] !== undefined && plainHttp) {
      problems.push({ file, field: f, message: `TLS material is given but endpoint ${show(o.endpoint)} is plain http; use an https:// endpoint or drop ${f}` });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      endpoint: o.endpoint as string,
      ...(typeof o.token === "string" ? { token: o.token } : {}),
      ...pems,
    },
  };
}

/** Checks loaded PEM text: it must hold at least one PEM block. */
export function checkPem(text: string, field: string, file: string, from: string): ConfigProblem | undefined {
  if (!text.includes(PEM_BEGIN)) return { file, field, message: `${from} holds no PEM block (no ${PEM_BEGIN} line); expected a PEM ${field === "key" ? "private key" : "certificate"}` };
  return undefined;
}
