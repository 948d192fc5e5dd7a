// Untrusted input (parsed YAML/JSON, or a TypeScript object of the same shape) → the
// machine model, or every problem found, each with its field path. Nothing is thrown
// and nothing is half-accepted: one problem anywhere means no Machine.
import { checkAbsolutePath, checkHostname } from "./checks";
import { FETCH_FILES_UNIT } from "./fetch-unit";
import { readHafenSettings } from "./hafen";
import { BUNDLE_PATH, HAFEN_UNIT_NAMES, SETTINGS_PATH } from "./hafen-units";
import { readFile, readSshKey, readUnit, readUser } from "./load-parts";
import { OS_FAMILIES, type FileSpec, type HafenSettings, type Machine, type OsFamily, type UnitSpec } from "./model";
import { fail, ok, Problems, type FieldPath, type Result } from "./problems";
import { checkKeys, checkUnique, optString, readList, readListAt, readRecord } from "./read";

/** What a TypeScript caller may pass: the YAML shape (see machine/README.md). */
export interface MachineInput {
  readonly hostname?: string;
  readonly os?: OsFamily;
  readonly sshAuthorizedKeys?: readonly string[];
  readonly users?: readonly Readonly<Record<string, unknown>>[];
  readonly files?: readonly Readonly<Record<string, unknown>>[];
  readonly units?: readonly Readonly<Record<string, unknown>>[];
  readonly hafen?: Readonly<Record<string, unknown>>;
  readonly root?: string;
}

export const MACHINE_KEYS = ["hostname", "os", "sshAuthorizedKeys", "users", "files", "units", "hafen", "root"] as const;

type Located<T> = { value: T; at: FieldPath };

/** Checks that need the whole machine: the Hafen settings against files and units. */
function crossCheck(p: Problems, hafen: HafenSettings, os: OsFamily, root: string | undefined, files: Located<FileSpec>[], units: Located<UnitSpec>[]): void {
  const l = hafen.launch;
  if (root !== undefined && l.style === "container") {
    p.add("conflict", ["root"], root, 'root rebases paths for local machines, which run the runtime as host processes; use hafen.launch.style "host" or drop root');
  }
  if (l.style === "container" && os === "flatcar" && l.engine === "podman") {
    p.add("conflict", ["hafen", "launch", "engine"], l.engine, 'Flatcar ships Docker, not Podman, in its base image; use engine "docker" (Fedora CoreOS has both)');
  }
  const hasBundle = files.some((f) => f.value.path === BUNDLE_PATH);
  if (l.style === "container" && !hafen.runtime && !hasBundle) {
    p.add("missing-field", ["hafen", "runtime"], undefined, `container launch needs the runtime bundle: give hafen.runtime {url, sha256}, or a file at ${BUNDLE_PATH}`);
  }
  if (l.style === "container" && hafen.runtime && hasBundle) {
    p.add("conflict", ["hafen", "runtime"], hafen.runtime.url, `both hafen.runtime and a file at ${BUNDLE_PATH} supply the bundle; keep one`);
  }
  if (hafen.bootstrapTokenFile !== undefined && !files.some((f) => f.value.path === hafen.bootstrapTokenFile)) {
    p.add("missing-field", ["hafen", "bootstrapTokenFile"], hafen.bootstrapTokenFile, `no entry in files has path ${hafen.bootstrapTokenFile}; add the token file there (mode 0600)`);
  }
  for (const f of files) {
    if (f.value.path === SETTINGS_PATH) p.add("conflict", [...f.at, "path"], SETTINGS_PATH, `${SETTINGS_PATH} is written by Hafen from the hafen settings; choose another path`);
  }
  for (const u of units) {
    if ((HAFEN_UNIT_NAMES as readonly string[]).includes(u.value.name)) {
      p.add("conflict", [...u.at, "name"], u.value.name, `${u.value.name} is generated from the hafen settings; name your unit differently (or add a drop-in via another name)`);
    }
  }
}

/** Names the renderers generate whatever the hafen settings say. */
function reservedNames(p: Problems, hostname: string | undefined, files: Located<FileSpec>[], units: Located<UnitSpec>[]): void {
  if (hostname !== undefined) {
    for (const f of files) {
      if (f.value.path === "/etc/hostname") p.add("conflict", [...f.at, "path"], "/etc/hostname", "hostname is set, which writes /etc/hostname; give the hostname or the file, not both");
    }
  }
  if (files.some((f) => f.value.contents.source === "url")) {
    for (const u of units) {
      if (u.value.name === FETCH_FILES_UNIT) p.add("conflict", [...u.at, "name"], FETCH_FILES_UNIT, `${FETCH_FILES_UNIT} is generated to fetch the files given by URL; name your unit differently`);
    }
  }
}

function readOs(p: Problems, v: unknown): OsFamily | undefined {
  if (v === undefined) return "flatcar";
  if (typeof v === "string" && (OS_FAMILIES as readonly string[]).includes(v)) return v as OsFamily;
  p.add("invalid-value", ["os"], v, `os must be one of ${OS_FAMILIES.join(", ")} (default flatcar)`);
  return undefined;
}

function readRoot(p: Problems, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const bad = checkAbsolutePath(v);
  if (bad) p.add("invalid-value", ["root"], v, bad.replace("a file path such as /etc/motd", "a directory for this local machine"));
  return bad ? undefined : v;
}

/** Validates a machine description and fills in every default. */
export function loadMachine(input: unknown): Result<Machine> {
  const p = new Problems();
  const o = readRecord(p, input, [], "a mapping describing one machine (hostname, users, files, units, hafen, ...)");
  if (!o) return fail(p.list);
  checkKeys(p, o, [], MACHINE_KEYS);
  const hostname = optString(p, o, "hostname", []);
  const badHost = hostname === undefined ? undefined : checkHostname(hostname);
  if (badHost) p.add("invalid-value", ["hostname"], hostname, badHost);
  const os = readOs(p, o["os"]);
  const sshAuthorizedKeys = readList(p, o, "sshAuthorizedKeys", [], (k, at) => readSshKey(p, k, at));
  const users = readListAt(p, o, "users", [], (u, at) => readUser(p, u, at));
  const files = readListAt(p, o, "files", [], (f, at) => readFile(p, f, at));
  const units = readListAt(p, o, "units", [], (u, at) => readUnit(p, u, at));
  checkUnique(p, users.map((u) => ({ value: u.value, at: [...u.at, "name"] })), (u) => u.name, "user");
  checkUnique(p, files.map((f) => ({ value: f.value, at: [...f.at, "path"] })), (f) => f.path, "file path");
  checkUnique(p, units.map((u) => ({ value: u.value, at: [...u.at, "name"] })), (u) => u.name, "unit");
  reservedNames(p, hostname, files, units);
  const root = readRoot(p, optString(p, o, "root", []));
  const hafen = o["hafen"] === undefined ? undefined : readHafenSettings(p, o["hafen"], ["hafen"]);
  if (hafen && os) crossCheck(p, hafen, os, root, files, units);
  if (!p.empty || !os) return fail(p.list);
  return ok({
    ...(hostname !== undefined && { hostname }),
    os,
    sshAuthorizedKeys,
    users: users.map((u) => u.value),
    files: files.map((f) => f.value),
    units: units.map((u) => u.value),
    ...(hafen && { hafen }),
    ...(root !== undefined && { root }),
  });
}
