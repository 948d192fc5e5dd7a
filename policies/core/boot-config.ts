// What a boot config (cloud-config or Ignition) puts on a machine, read leniently: the
// policies inspect any user data a stack passes, including hand-written configs that
// Hafen's strict parser (machine/parseCloudConfig) would refuse. Unknown keys are
// ignored; shapes that do not fit are skipped, and a document that does not parse is
// reported in `problems` (the raw text is still scanned for secrets).
import { parseDocument } from "yaml";
import { fromBase64, gunzip, isGzip, type UserData } from "./userdata";

export interface BootFile {
  readonly path: string;
  /** Decoded contents as text; undefined for fetched files (URL sources). */
  readonly text?: string;
  /** Whether the config carried the contents encoded (base64, gzip, percent-encoded). */
  readonly encoded: boolean;
  /** Path inside the config, e.g. "write_files[2]" or "storage.files[0]". */
  readonly where: string;
}

export interface BootUnit {
  readonly name: string;
  readonly contents?: string;
  readonly dropIns: readonly { readonly name: string; readonly contents: string }[];
  readonly where: string;
}

export interface BootUser {
  readonly name: string;
  readonly passwordHash?: string;
  readonly sshKeys: readonly string[];
  readonly where: string;
}

export interface BootConfig {
  readonly files: readonly BootFile[];
  readonly units: readonly BootUnit[];
  readonly users: readonly BootUser[];
  /** Why the document could not be read (syntax); empty when it was. */
  readonly problems: readonly string[];
}

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined);
const strings = (v: unknown): string[] => list(v).filter((s): s is string => typeof s === "string");

/** coreos-cloudinit's write_files encodings. */
function cloudFileText(content: string, encoding: string | undefined): { text?: string; encoded: boolean } {
  const enc = (encoding ?? "").toLowerCase();
  if (enc === "") return { text: content, encoded: false };
  const gz = enc.startsWith("gz");
  const b64 = enc.includes("b64") || enc.includes("base64");
  const raw = b64 ? fromBase64(content) : Buffer.from(content, "binary");
  if (!raw) return { encoded: true };
  if (!gz) return { text: raw.toString("utf8"), encoded: true };
  const inflated = isGzip(raw) ? gunzip(raw) : "not gzip";
  return typeof inflated === "string" ? { encoded: true } : { text: inflated.toString("utf8"), encoded: true };
}

function fromCloudConfig(doc: Obj): Omit<BootConfig, "problems"> {
  const files = list(doc["write_files"]).flatMap((f, i): BootFile[] => {
    if (!isObj(f)) return [];
    const content = text(f["content"]) ?? "";
    return [{ path: text(f["path"]) ?? "", ...cloudFileText(content, text(f["encoding"])), where: `write_files[${i}]` }];
  });
  const coreos = isObj(doc["coreos"]) ? doc["coreos"] : {};
  const units = list(coreos["units"]).flatMap((u, i): BootUnit[] => {
    if (!isObj(u)) return [];
    const dropIns = list(u["drop_ins"]).flatMap((d) => (isObj(d) ? [{ name: text(d["name"]) ?? "", contents: text(d["content"]) ?? "" }] : []));
    const contents = text(u["content"]);
    return [{ name: text(u["name"]) ?? "", ...(contents !== undefined && { contents }), dropIns, where: `coreos.units[${i}]` }];
  });
  const core: BootUser = { name: "core", sshKeys: strings(doc["ssh_authorized_keys"]), where: "ssh_authorized_keys" };
  const users = list(doc["users"]).flatMap((u, i): BootUser[] => {
    if (!isObj(u)) return [];
    const hash = text(u["passwd"]);
    return [{ name: text(u["name"]) ?? "", ...(hash !== undefined && { passwordHash: hash }), sshKeys: strings(u["ssh_authorized_keys"]), where: `users[${i}]` }];
  });
  return { files, units, users: [core, ...users] };
}

/** RFC 2397 data URL (what Ignition inlines), then Ignition's optional gzip. */
export function dataUrlText(source: string, compression: string | undefined): string | undefined {
  const m = /^data:([^,]*),(.*)$/s.exec(source);
  if (!m) return undefined;
  let raw: Buffer | undefined;
  if (/;base64$/i.test(m[1]!)) raw = fromBase64(m[2]!);
  else {
    try {
      raw = Buffer.from(decodeURIComponent(m[2]!), "utf8");
    } catch {
      raw = undefined;
    }
  }
  if (!raw) return undefined;
  if (compression !== "gzip") return raw.toString("utf8");
  const inflated = gunzip(raw);
  return typeof inflated === "string" ? undefined : inflated.toString("utf8");
}

function ignitionContents(c: unknown): { text?: string; encoded: boolean } {
  if (!isObj(c)) return { encoded: false };
  const source = text(c["source"]);
  if (source === undefined || !source.startsWith("data:")) return { encoded: false };
  const decoded = dataUrlText(source, text(c["compression"]));
  return { ...(decoded !== undefined && { text: decoded }), encoded: true };
}

function fromIgnition(doc: Obj): Omit<BootConfig, "problems"> {
  const storage = isObj(doc["storage"]) ? doc["storage"] : {};
  const files = list(storage["files"]).flatMap((f, i): BootFile[] => {
    if (!isObj(f)) return [];
    const path = text(f["path"]) ?? "";
    const main: BootFile = { path, ...ignitionContents(f["contents"]), where: `storage.files[${i}]` };
    const appended = list(f["append"]).map((a, j): BootFile => ({ path, ...ignitionContents(a), where: `storage.files[${i}].append[${j}]` }));
    return [main, ...appended];
  });
  const systemd = isObj(doc["systemd"]) ? doc["systemd"] : {};
  const units = list(systemd["units"]).flatMap((u, i): BootUnit[] => {
    if (!isObj(u)) return [];
    const dropIns = list(u["dropins"]).flatMap((d) => (isObj(d) ? [{ name: text(d["name"]) ?? "", contents: text(d["contents"]) ?? "" }] : []));
    const contents = text(u["contents"]);
    return [{ name: text(u["name"]) ?? "", ...(contents !== undefined && { contents }), dropIns, where: `systemd.units[${i}]` }];
  });
  const passwd = isObj(doc["passwd"]) ? doc["passwd"] : {};
  const users = list(passwd["users"]).flatMap((u, i): BootUser[] => {
    if (!isObj(u)) return [];
    const hash = text(u["passwordHash"]);
    return [{ name: text(u["name"]) ?? "", ...(hash !== undefined && { passwordHash: hash }), sshKeys: strings(u["sshAuthorizedKeys"]), where: `passwd.users[${i}]` }];
  });
  return { files, units, users };
}

const EMPTY = { files: [], units: [], users: [] };

/** Aliases are expanded at most this often (a YAML "billion laughs" stays small). */
const MAX_ALIASES = 1000;

export function readBootConfig(u: UserData): BootConfig {
  switch (u.format) {
    case "cloud-config": {
      const doc = parseDocument(u.text, { version: "1.1", prettyErrors: false });
      if (doc.errors.length) return { ...EMPTY, problems: doc.errors.slice(0, 3).map((e) => `cloud-config does not parse: ${e.message}`) };
      try {
        const js = doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown;
        return { ...(isObj(js) ? fromCloudConfig(js) : EMPTY), problems: isObj(js) ? [] : ["cloud-config is not a mapping of keys"] };
      } catch (e) {
        return { ...EMPTY, problems: [`cloud-config does not parse: ${(e as Error).message}`] };
      }
    }
    case "ignition":
      return { ...fromIgnition(JSON.parse(u.text) as Obj), problems: [] };
    case "script":
    case "unknown":
      return { ...EMPTY, problems: [] };
    default: {
      const _never: never = u.format;
      return _never;
    }
  }
}
