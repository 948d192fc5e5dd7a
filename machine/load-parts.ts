// Readers for the list entries of a machine: users, files, units. Each records problems
// with their field paths and returns undefined for an entry it could not accept.
import { isError, parseUnit, parseUnitName } from "../units";
import {
  checkAbsolutePath,
  checkAccountName,
  checkDropInName,
  checkPasswordHash,
  checkSha256,
  checkSshKey,
  checkUrl,
  checkWritablePath,
  parseMode,
} from "./checks";
import { DEFAULT_FILE_MODE, UNIT_COMMANDS, type DropIn, type FileContents, type FileSpec, type UnitCommand, type UnitSpec, type User } from "./model";
import { Problems, type FieldPath } from "./problems";
import { checkKeys, checkUnique, optBool, optString, readList, readListAt, readRecord, reqString, wrongType } from "./read";
import { hasInstallSection } from "./unit-text";

/** Inline contents above this are refused outright; provider limits are far lower. */
export const INLINE_MAX = 16 * 1024 * 1024;
/** Unit types systemd has beyond the ones fleet schedules (units/names.ts). */
const HOST_ONLY_UNIT_TYPES = ["swap", "slice"];

export function readSshKey(p: Problems, v: unknown, at: FieldPath): string | undefined {
  if (typeof v !== "string") return wrongType(p, at, v, "an SSH public key string");
  const bad = checkSshKey(v);
  if (bad) p.add("invalid-value", at, v, bad);
  return bad ? undefined : v.trim();
}

function readPath(p: Problems, v: string | undefined, at: FieldPath, writable: boolean): string | undefined {
  if (v === undefined) return undefined;
  const bad = checkAbsolutePath(v) ?? (writable ? checkWritablePath(v) : undefined);
  if (bad) p.add("invalid-value", at, v, bad);
  return bad ? undefined : v;
}

function readAccount(p: Problems, v: unknown, at: FieldPath, what: "user" | "group"): string | undefined {
  if (typeof v !== "string") return wrongType(p, at, v, `a ${what} name`);
  const bad = checkAccountName(v, what);
  if (bad) p.add("invalid-value", at, v, bad);
  return bad ? undefined : v;
}

export function readUser(p: Problems, v: unknown, at: FieldPath): User | undefined {
  const before = p.list.length;
  const o = readRecord(p, v, at, "a user mapping with at least a name");
  if (!o) return undefined;
  checkKeys(p, o, at, ["name", "groups", "sshAuthorizedKeys", "passwordHash", "system", "homeDir", "shell"]);
  const name = o["name"] === undefined ? (p.add("missing-field", [...at, "name"], undefined, '"name" is required: a user name'), undefined) : readAccount(p, o["name"], [...at, "name"], "user");
  const groups = readList(p, o, "groups", at, (g, gat) => readAccount(p, g, gat, "group"));
  const keys = readList(p, o, "sshAuthorizedKeys", at, (k, kat) => readSshKey(p, k, kat));
  const passwordHash = optString(p, o, "passwordHash", at);
  const badHash = passwordHash === undefined ? undefined : checkPasswordHash(passwordHash);
  if (badHash) p.add("invalid-value", [...at, "passwordHash"], "(hidden)", badHash);
  const system = optBool(p, o, "system", at, false);
  const homeDir = readPath(p, optString(p, o, "homeDir", at), [...at, "homeDir"], false);
  const shell = readPath(p, optString(p, o, "shell", at), [...at, "shell"], false);
  if (p.list.length > before || !name) return undefined;
  return {
    name,
    groups,
    sshAuthorizedKeys: keys,
    ...(passwordHash !== undefined && { passwordHash }),
    system,
    ...(homeDir !== undefined && { homeDir }),
    ...(shell !== undefined && { shell }),
  };
}

const CONTENT_FORMS = "{text: ...}, {base64: ...}, {bytes: Uint8Array} (TypeScript only) or {url: ..., sha256: ...}";

function readContents(p: Problems, v: unknown, at: FieldPath): FileContents | undefined {
  const o = readRecord(p, v, at, `a mapping, one of ${CONTENT_FORMS}`);
  if (!o) return undefined;
  const forms = ["text", "base64", "bytes", "url"].filter((k) => o[k] !== undefined);
  if (forms.length !== 1) {
    p.add(forms.length ? "conflict" : "missing-field", at, o, `give exactly one of ${CONTENT_FORMS}`);
    return undefined;
  }
  const form = forms[0]!;
  checkKeys(p, o, at, form === "url" ? ["url", "sha256"] : [form]);
  const tooBig = (n: number) => n > INLINE_MAX && (p.add("invalid-value", [...at, form], `<${n} bytes>`, `inline contents are limited to ${INLINE_MAX} bytes; fetch large files by {url, sha256}`), true);
  if (form === "text") {
    const text = reqString(p, o, "text", at);
    if (text === undefined || tooBig(Buffer.byteLength(text))) return undefined;
    if (text.includes("\0")) return (p.add("invalid-value", [...at, "text"], text, "text contains NUL bytes; give binary contents as {base64: ...}"), undefined);
    return { source: "text", text };
  }
  if (form === "base64") {
    const b64 = reqString(p, o, "base64", at);
    if (b64 === undefined) return undefined;
    const clean = b64.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
      return (p.add("invalid-value", [...at, "base64"], b64, "not valid base64 (RFC 4648 alphabet with = padding)"), undefined);
    }
    const bytes = new Uint8Array(Buffer.from(clean, "base64"));
    return tooBig(bytes.length) ? undefined : { source: "bytes", bytes };
  }
  if (form === "bytes") {
    const bytes = o["bytes"];
    if (!(bytes instanceof Uint8Array)) return wrongType(p, [...at, "bytes"], bytes, "a Uint8Array");
    return tooBig(bytes.length) ? undefined : { source: "bytes", bytes: new Uint8Array(bytes) };
  }
  const url = reqString(p, o, "url", at, "an http(s) URL");
  const sha = reqString(p, o, "sha256", at, "the file's SHA-256 (64 hex digits); fetched files are always verified");
  const u = url === undefined ? undefined : checkUrl(url);
  if (u && "error" in u) p.add("invalid-value", [...at, "url"], url, u.error);
  const badSha = sha === undefined ? undefined : checkSha256(sha);
  if (badSha) p.add("invalid-value", [...at, "sha256"], sha, badSha);
  return u && "url" in u && sha !== undefined && !badSha ? { source: "url", url: u.url, sha256: sha.toLowerCase() } : undefined;
}

export function readFile(p: Problems, v: unknown, at: FieldPath): FileSpec | undefined {
  const before = p.list.length;
  const o = readRecord(p, v, at, "a file mapping with path and contents");
  if (!o) return undefined;
  checkKeys(p, o, at, ["path", "mode", "owner", "group", "contents"]);
  const path = readPath(p, reqString(p, o, "path", at, "an absolute path"), [...at, "path"], true);
  const m = o["mode"] === undefined ? { mode: DEFAULT_FILE_MODE } : parseMode(o["mode"]);
  if ("error" in m) p.add("invalid-value", [...at, "mode"], o["mode"], m.error);
  const owner = o["owner"] === undefined ? undefined : readAccount(p, o["owner"], [...at, "owner"], "user");
  const group = o["group"] === undefined ? undefined : readAccount(p, o["group"], [...at, "group"], "group");
  const contents = readContents(p, o["contents"], [...at, "contents"]);
  if (p.list.length > before || !path || !contents || "error" in m) return undefined;
  return { path, mode: m.mode, ...(owner && { owner }), ...(group && { group }), contents };
}

function checkUnitName(p: Problems, name: string, at: FieldPath): "plain" | "template" | "instance" | undefined {
  const dot = name.lastIndexOf(".");
  const type = name.slice(dot + 1);
  // swap/slice are systemd types fleet does not schedule; validate the stem the same way.
  const probe = dot > 0 && HOST_ONLY_UNIT_TYPES.includes(type) ? `${name.slice(0, dot)}.service` : name;
  const r = parseUnitName(probe, name);
  if (r.ok) return r.value.kind;
  for (const prob of r.problems) p.add("invalid-value", at, name, prob.message.replace(/expected one of ([^;]*)$/, `expected one of $1, ${HOST_ONLY_UNIT_TYPES.join(", ")}`));
  return undefined;
}

/** Unit text must parse as a unit file (sections, KEY=VALUE lines, continuations);
 *  which keys systemd knows is left to systemd-analyze verify. */
function checkUnitSyntax(p: Problems, text: string, at: FieldPath, label: string): void {
  const r = parseUnit(text, label);
  if (r.ok) return;
  for (const u of r.problems.filter(isError)) {
    const where = u.line > 0 && !u.message.startsWith(`line ${u.line} `) ? `line ${u.line}: ` : "";
    p.add("invalid-value", at, u.text, `${where}${u.message}`);
  }
}

function readDropIn(p: Problems, v: unknown, at: FieldPath): DropIn | undefined {
  const o = readRecord(p, v, at, "a drop-in mapping with name and contents");
  if (!o) return undefined;
  checkKeys(p, o, at, ["name", "contents"]);
  const name = reqString(p, o, "name", at, "a file name ending in .conf");
  const contents = reqString(p, o, "contents", at, "unit file text");
  const bad = name === undefined ? undefined : checkDropInName(name);
  if (bad) p.add("invalid-value", [...at, "name"], name, bad);
  if (contents !== undefined) checkUnitSyntax(p, contents, [...at, "contents"], name ?? "drop-in");
  return name !== undefined && contents !== undefined && !bad ? { name, contents } : undefined;
}

function unitConflicts(p: Problems, u: UnitSpec, kind: string, at: FieldPath): void {
  const starts = u.command !== undefined && u.command !== "stop";
  if (u.mask && (u.contents !== undefined || u.enable || starts || u.dropIns.length)) {
    p.add("conflict", at, u.name, "a masked unit cannot have contents, drop-ins, enable or a command other than stop");
  }
  if (kind === "template" && (u.command !== undefined || u.enable)) {
    p.add("conflict", at, u.name, `"${u.name}" is a template; systemd cannot start or enable it; use an instance such as ${u.name.replace("@.", "@1.")}`);
  }
  if (u.enable && u.contents !== undefined && !hasInstallSection(u.contents)) {
    p.add("conflict", [...at, "enable"], true, "enable: true needs an [Install] section in contents (e.g. WantedBy=multi-user.target); without it enabling does nothing");
  }
}

export function readUnit(p: Problems, v: unknown, at: FieldPath): UnitSpec | undefined {
  const before = p.list.length;
  const o = readRecord(p, v, at, "a unit mapping with at least a name");
  if (!o) return undefined;
  checkKeys(p, o, at, ["name", "contents", "command", "enable", "runtime", "mask", "dropIns"]);
  const name = reqString(p, o, "name", at, "a unit name such as web.service");
  const kind = name === undefined ? undefined : checkUnitName(p, name, [...at, "name"]);
  const contents = optString(p, o, "contents", at);
  if (contents !== undefined) checkUnitSyntax(p, contents, [...at, "contents"], name ?? "unit");
  const cmd = optString(p, o, "command", at);
  if (cmd !== undefined && !(UNIT_COMMANDS as readonly string[]).includes(cmd)) {
    p.add("invalid-value", [...at, "command"], cmd, `command "${cmd}" is not accepted; expected one of ${UNIT_COMMANDS.join(", ")}`);
  }
  const read = readListAt(p, o, "dropIns", at, (d, dat) => readDropIn(p, d, dat));
  checkUnique(p, read.map((d) => ({ value: d.value, at: [...d.at, "name"] })), (d) => d.name, "drop-in");
  const dropIns = read.map((d) => d.value);
  if (p.list.length > before || !name || !kind) return undefined;
  const unit: UnitSpec = {
    name,
    ...(contents !== undefined && { contents }),
    ...(cmd !== undefined && { command: cmd as UnitCommand }),
    enable: optBool(p, o, "enable", at, false),
    runtime: optBool(p, o, "runtime", at, false),
    mask: optBool(p, o, "mask", at, false),
    dropIns,
  };
  unitConflicts(p, unit, kind, at);
  return p.list.length > before ? undefined : unit;
}
