// cloud-config text → the machine model, as Flatcar's coreos-cloudinit would read it.
// The local machine booter runs what this returns; the renderer's output parses back to
// `expandMachine()` of the rendered machine. Keys coreos-cloudinit knows but Hafen's
// model cannot carry (coreos.update, manage_etc_hosts, ...) are refused, not dropped,
// and so are "-" spellings (drop-ins): current Flatcar silently ignores those.
import { gunzipSync } from "node:zlib";
import { CLOUD_CONFIG_HEADER } from "./cloud-config";
import { asSafeText } from "./content";
import { FETCH_FILES_DESCRIPTION, FETCH_FILES_UNIT, recoverFetchEntries } from "./fetch-unit";
import { loadMachine } from "./load";
import type { Machine } from "./model";
import { fail, Problems, type FieldPath, type PathSegment, type Result } from "./problems";
import { isRecord, wrongType, type Obj } from "./read";
import { locateProblems, parseYamlSource } from "./yaml-source";

/** Decompressed file contents are bounded (a gzip bomb must not exhaust memory). */
const INFLATE_MAX = 64 * 1024 * 1024;
const TOP = ["hostname", "ssh_authorized_keys", "users", "write_files", "coreos"];
const COREOS = ["units"];
const USER = ["name", "passwd", "groups", "ssh_authorized_keys", "homedir", "shell", "system"];
const FILE = ["path", "permissions", "owner", "encoding", "content"];
const UNIT = ["name", "command", "enable", "runtime", "mask", "content", "drop_ins"];
const DROP_IN = ["name", "content"];

/** Keys coreos-cloudinit accepts that the machine model has no place for. */
const NOT_MODELLED: Readonly<Record<string, string>> = {
  manage_etc_hosts: "Hafen's machine model does not manage /etc/hosts; write it as a file",
  etcd: "Flatcar no longer ships etcd 0.4 (deprecated key); Hafen runs etcd from hafen settings",
  etcd2: "Flatcar no longer ships etcd2 (deprecated key); Hafen runs etcd from hafen settings",
  fleet: "Flatcar no longer ships fleet (deprecated key); Hafen's agent replaces it",
  flannel: "not in Hafen's machine model",
  locksmith: "not in Hafen's machine model; configure update reboots with a file",
  oem: "not in Hafen's machine model",
  update: "not in Hafen's machine model; configure update reboots with a file",
  gecos: "not in Hafen's machine model",
  no_create_home: "not in Hafen's machine model",
  primary_group: "not in Hafen's machine model",
  no_user_group: "not in Hafen's machine model",
  no_log_init: "not in Hafen's machine model",
  coreos_ssh_import_github: "deprecated in coreos-cloudinit (fetching at boot fails intermittently); list the keys",
  coreos_ssh_import_github_users: "deprecated in coreos-cloudinit (fetching at boot fails intermittently); list the keys",
  coreos_ssh_import_url: "deprecated in coreos-cloudinit (fetching at boot fails intermittently); list the keys",
};

function keys(p: Problems, o: Obj, at: FieldPath, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (allowed.includes(k)) continue;
    const norm = k.replace(/-/g, "_");
    if (norm !== k && (allowed.includes(norm) || norm in NOT_MODELLED)) {
      p.add("unknown-field", [...at, k], o[k], `"${k}" is ignored by current Flatcar (coreos-cloudinit reads "${norm}" since it moved to yaml.v3); write "${norm}"`);
    } else if (k in NOT_MODELLED) {
      p.add("unsupported", [...at, k], o[k], `"${k}": ${NOT_MODELLED[k]}`);
    } else {
      p.add("unknown-field", [...at, k], o[k], `unknown cloud-config key "${k}"; accepted here: ${allowed.join(", ")}`);
    }
  }
}

function list(p: Problems, v: unknown, at: FieldPath): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : (wrongType(p, at, v, "a list"), []);
}

/** Go's yaml.v3 reads yes/no/on/off into bool fields; so do we. */
function bool(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const s = v.toLowerCase();
  return ["true", "yes", "on"].includes(s) ? true : ["false", "no", "off"].includes(s) ? false : v;
}

/** Scalars Go would turn into strings (numbers, booleans) become strings. */
function str(v: unknown): unknown {
  return typeof v === "number" || typeof v === "boolean" ? String(v) : v;
}

function decode(p: Problems, content: unknown, encoding: unknown, at: FieldPath): Record<string, unknown> | undefined {
  const text = content === undefined || content === null ? "" : str(content);
  if (typeof text !== "string") return wrongType(p, [...at, "content"], content, "a string");
  const enc = encoding === undefined ? "" : encoding;
  const unzip = (b: Buffer) => gunzipSync(b, { maxOutputLength: INFLATE_MAX });
  const b64 = (s: string) => (/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(s) ? Buffer.from(s, "base64") : undefined);
  let bytes: Buffer | undefined;
  try {
    switch (enc) {
      case "":
        return { text };
      case "b64":
      case "base64":
        bytes = b64(text);
        break;
      case "gz":
      case "gzip":
        bytes = unzip(Buffer.from(text, "latin1"));
        break;
      case "gz+b64":
      case "gz+base64":
      case "gzip+b64":
      case "gzip+base64": {
        const raw = b64(text);
        bytes = raw && unzip(raw);
        break;
      }
      default:
        p.add("invalid-value", [...at, "encoding"], encoding, "encoding must be one of b64, base64, gz, gzip, gz+b64, gz+base64, gzip+b64, gzip+base64");
        return undefined;
    }
  } catch {
    bytes = undefined;
  }
  if (!bytes) {
    p.add("invalid-value", [...at, "content"], text, `content cannot be decoded as ${String(encoding)}`);
    return undefined;
  }
  const asText = asSafeText(bytes);
  return asText !== undefined ? { text: asText } : { bytes: new Uint8Array(bytes) };
}

function file(p: Problems, v: unknown, at: FieldPath): Record<string, unknown> | undefined {
  if (!isRecord(v)) return wrongType(p, at, v, "a write_files entry (path, permissions, owner, encoding, content)");
  keys(p, v, at, FILE);
  const contents = decode(p, v["content"], v["encoding"], at);
  const owner = str(v["owner"]);
  const split = typeof owner === "string" ? /^([^:]*)(?::(.*))?$/.exec(owner) : null;
  if (owner !== undefined && !split) wrongType(p, [...at, "owner"], owner, 'a string "user", "user:group" or ":group"');
  return {
    path: v["path"],
    ...(v["permissions"] !== undefined && { mode: str(v["permissions"]) }),
    ...(split?.[1] && { owner: split[1] }),
    ...(split?.[2] && { group: split[2] }),
    ...(contents && { contents }),
  };
}

function unit(p: Problems, v: unknown, at: FieldPath): Record<string, unknown> | undefined {
  if (!isRecord(v)) return wrongType(p, at, v, "a coreos.units entry (name, command, enable, runtime, mask, content, drop_ins)");
  keys(p, v, at, UNIT);
  const dropIns = list(p, v["drop_ins"], [...at, "drop_ins"]).map((d, i) => {
    if (!isRecord(d)) return wrongType(p, [...at, "drop_ins", i], d, "a drop-in mapping (name, content)");
    keys(p, d, [...at, "drop_ins", i], DROP_IN);
    return { name: d["name"], contents: d["content"] ?? "" };
  });
  return {
    name: v["name"],
    ...(v["content"] !== undefined && { contents: v["content"] }),
    ...(v["command"] !== undefined && { command: v["command"] }),
    ...(v["enable"] !== undefined && { enable: bool(v["enable"]) }),
    ...(v["runtime"] !== undefined && { runtime: bool(v["runtime"]) }),
    ...(v["mask"] !== undefined && { mask: bool(v["mask"]) }),
    ...(dropIns.length && { dropIns }),
  };
}

function user(p: Problems, v: unknown, at: FieldPath): Record<string, unknown> | undefined {
  if (!isRecord(v)) return wrongType(p, at, v, "a users entry (name, passwd, groups, ssh_authorized_keys, homedir, shell, system)");
  keys(p, v, at, USER);
  return {
    name: v["name"],
    ...(v["passwd"] !== undefined && { passwordHash: v["passwd"] }),
    ...(v["groups"] !== undefined && { groups: v["groups"] }),
    ...(v["ssh_authorized_keys"] !== undefined && { sshAuthorizedKeys: v["ssh_authorized_keys"] }),
    ...(v["homedir"] !== undefined && { homeDir: v["homedir"] }),
    ...(v["shell"] !== undefined && { shell: v["shell"] }),
    ...(v["system"] !== undefined && { system: bool(v["system"]) }),
  };
}

/** Where each model list entry came from in the cloud-config, for error paths. */
interface Origins {
  files: FieldPath[];
  units: FieldPath[];
}

const MODEL_TO_CLOUD: Readonly<Record<string, string>> = {
  sshAuthorizedKeys: "ssh_authorized_keys",
  passwordHash: "passwd",
  homeDir: "homedir",
  dropIns: "drop_ins",
  contents: "content",
  mode: "permissions",
  group: "owner",
};

/** A model field path → the cloud-config path it was read from. */
function toCloudPath(at: FieldPath, o: Origins): FieldPath {
  const [head, index, ...rest] = at;
  const origin = head === "files" && typeof index === "number" ? o.files[index] : head === "units" && typeof index === "number" ? o.units[index] : undefined;
  const base: PathSegment[] = origin ? [...origin] : head === undefined ? [] : [head === "sshAuthorizedKeys" ? "ssh_authorized_keys" : head, ...(index !== undefined ? [index] : [])];
  if (origin && head === "files" && origin[0] !== "write_files") return base; // a fetched file: point at the unit
  const tail = rest.map((s) => (typeof s === "string" ? (MODEL_TO_CLOUD[s] ?? s) : s));
  // file contents.text/base64 → content
  return head === "files" && tail[0] === "content" ? [...base, "content"] : [...base, ...tail];
}

function build(p: Problems, doc: Obj, o: Origins): Record<string, unknown> {
  keys(p, doc, [], TOP);
  const coreos = doc["coreos"] === undefined ? {} : isRecord(doc["coreos"]) ? doc["coreos"] : (wrongType(p, ["coreos"], doc["coreos"], "a mapping"), {});
  keys(p, coreos, ["coreos"], COREOS);
  const files: Record<string, unknown>[] = [];
  list(p, doc["write_files"], ["write_files"]).forEach((v, i) => {
    const f = file(p, v, ["write_files", i]);
    if (f) (files.push(f), o.files.push(["write_files", i]));
  });
  const units: Record<string, unknown>[] = [];
  const fetched: { index: number; file: Record<string, unknown>; at: FieldPath }[] = [];
  list(p, coreos["units"], ["coreos", "units"]).forEach((v, i) => {
    const at: FieldPath = ["coreos", "units", i];
    const entries = isRecord(v) && v["name"] === FETCH_FILES_UNIT && typeof v["content"] === "string" ? recoverFetchEntries(FETCH_FILES_DESCRIPTION, v["content"]) : undefined;
    if (entries) {
      for (const e of entries) {
        const f = { path: e.path, mode: e.mode, ...(e.owner && { owner: e.owner }), ...(e.group && { group: e.group }), contents: { url: e.url, sha256: e.sha256 } };
        fetched.push({ index: e.index ?? Number.MAX_SAFE_INTEGER, file: f, at });
      }
      return;
    }
    const u = unit(p, v, at);
    if (u) (units.push(u), o.units.push(at));
  });
  for (const f of fetched.sort((a, b) => a.index - b.index)) {
    const i = Math.min(f.index, files.length);
    files.splice(i, 0, f.file);
    o.files.splice(i, 0, f.at);
  }
  return {
    ...(doc["hostname"] !== undefined && { hostname: str(doc["hostname"]) }),
    ...(doc["ssh_authorized_keys"] !== undefined && { sshAuthorizedKeys: doc["ssh_authorized_keys"] }),
    users: list(p, doc["users"], ["users"]).map((v, i) => user(p, v, ["users", i])).filter((u) => u !== undefined),
    files,
    units,
  };
}

/** Parses cloud-config text; problems carry cloud-config paths and `file:line`. */
export function parseCloudConfig(text: string, file = "<cloud-config>"): Result<Machine> {
  const firstLine = text.split("\n", 1)[0]!.trimEnd();
  if (firstLine !== CLOUD_CONFIG_HEADER) {
    return fail([{ code: "syntax", at: [], value: JSON.stringify(firstLine.slice(0, 40)), message: `the first line must be exactly "${CLOUD_CONFIG_HEADER}"`, file, line: 1 }]);
  }
  const src = parseYamlSource(text);
  if (src.problems.length) return fail(src.problems.map((q) => ({ ...q, file })));
  const doc = src.value ?? {};
  const p = new Problems();
  if (!isRecord(doc)) return fail(locateProblems([{ code: "wrong-type", at: [], value: typeof doc, message: "cloud-config must be a mapping of keys (hostname, users, write_files, coreos, ...)" }], src, file));
  const origins: Origins = { files: [], units: [] };
  const input = build(p, doc, origins);
  if (!p.empty) return fail(locateProblems(p.list, src, file));
  const m = loadMachine(input);
  if (m.ok) return m;
  const mapped = m.problems.map((q) => ({ ...q, at: toCloudPath(q.at, origins) }));
  return fail(locateProblems(mapped, src, file));
}
