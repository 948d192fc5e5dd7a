// Group and profile documents (parsed YAML/JSON) → validated values, one file at a time.
// Checks that need the other files (profile names, duplicate selectors, assets, rendering
// the machine) are in data-set.ts.
import { FORMATS, type ConfigFormat, type FieldPath } from "../../machine";
import type { BootSpec, FcosInstall, FlatcarInstall, Group, ImageRef, Profile, ProfileConfig } from "./model";
import { NAME, NAME_TEXT } from "./model";
import type { Problems } from "./problems";
import { checkKeys, isRecord, optString, readList, readRecord, reqString, wrongType, type Obj } from "./read";
import { NORMALIZE, SAFE_VALUE, SAFE_VALUE_TEXT, SELECTOR_KEYS, type SelectorKey, type Selectors } from "./selectors";
import { checkVariable, METADATA_KEY, scanVariables } from "./template";

export const GROUP_KEYS = ["description", "profile", "selector", "metadata"] as const;
export const PROFILE_KEYS = ["description", "boot", "config"] as const;

/** Kernel arguments the service generates from the profile; writing them by hand would
 *  point the machine at another config or image. */
export const RESERVED_ARGS = [
  "initrd",
  "ignition.config.url",
  "ignition.firstboot",
  "ignition.platform.id",
  "cloud-config-url",
  "flatcar.first_boot",
  "flatcar.config.url",
  "coreos.config.url",
  "coreos.live.rootfs_url",
  "coreos.inst.install_dev",
  "coreos.inst.ignition_url",
];

function readDescription(p: Problems, o: Obj): string | undefined {
  const d = optString(p, o, "description", []);
  if (d !== undefined && d.length > 1000) p.add("too-large", ["description"], d, "description is limited to 1000 characters");
  return d;
}

function readSelectors(p: Problems, v: unknown): Selectors {
  if (v === undefined) return {};
  const o = readRecord(p, v, ["selector"], `a mapping of ${SELECTOR_KEYS.join(", ")} (omit it for the default group)`);
  if (!o) return {};
  checkKeys(p, o, ["selector"], SELECTOR_KEYS);
  const out: { [K in SelectorKey]?: string } = {};
  for (const key of SELECTOR_KEYS) {
    const raw = o[key];
    if (raw === undefined) continue;
    if (typeof raw !== "string") {
      wrongType(p, ["selector", key], raw, key === "mac" ? 'a string (quote it: "52:54:00:12:34:56")' : "a string");
      continue;
    }
    const n = NORMALIZE[key](raw);
    if ("error" in n) p.add("invalid-value", ["selector", key], raw, n.error);
    else out[key] = n.value;
  }
  return out;
}

function readMetadata(p: Problems, v: unknown): Record<string, string> {
  if (v === undefined) return {};
  const o = readRecord(p, v, ["metadata"], "a mapping of key: value strings");
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o ?? {})) {
    if (!METADATA_KEY.test(k)) p.add("invalid-value", ["metadata", k], k, `metadata key "${k}" is not accepted; expected a lowercase letter, then up to 63 lowercase letters, digits or _`);
    else if (k.startsWith("hafen_")) p.add("invalid-value", ["metadata", k], k, `metadata keys starting with hafen_ are reserved (/metadata reports HAFEN_* itself)`);
    else if (typeof val !== "string") wrongType(p, ["metadata", k], val, 'a string (quote numbers: "3")');
    else if (!SAFE_VALUE.test(val) || val.length > 256) p.add("invalid-value", ["metadata", k], val, `metadata values are substituted into configs, so they are limited to 1-256 of: ${SAFE_VALUE_TEXT}`);
    else out[k] = val;
  }
  return out;
}

export function readGroup(p: Problems, doc: unknown, name: string): Group | undefined {
  const before = p.list.length;
  const o = readRecord(p, doc, [], "a mapping with profile, selector and metadata");
  if (!o) return undefined;
  checkKeys(p, o, [], GROUP_KEYS);
  const description = readDescription(p, o);
  const profile = reqString(p, o, "profile", [], "the name of a profile (a file in profiles/)");
  if (profile !== undefined && !NAME.test(profile)) p.add("invalid-value", ["profile"], profile, `profile names are ${NAME_TEXT}`);
  const selector = readSelectors(p, o["selector"]);
  const metadata = readMetadata(p, o["metadata"]);
  if (p.list.length > before || profile === undefined) return undefined;
  return { name, ...(description !== undefined && { description }), profile, selector, metadata };
}

const SHA256 = /^[0-9a-f]{64}$/i;
export const ASSET_PATH = /^(?:[A-Za-z0-9][A-Za-z0-9._+-]{0,127})(?:\/[A-Za-z0-9][A-Za-z0-9._+-]{0,127}){0,15}$/;

/** http(s) URL without credentials or iPXE expansions; the normalized URL or a problem. */
export function checkHttpUrl(v: string): { url: string } | { error: string } {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return { error: `${JSON.stringify(v)} is not a URL; expected http(s)://host/path` };
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return { error: `URL scheme ${u.protocol} is not supported; expected http: or https: (iPXE fetches it)` };
  if (u.username || u.password) return { error: "URL carries credentials; machines fetch it without any, and boot scripts are public" };
  if (u.href.length > 2048) return { error: `URL has ${u.href.length} characters; at most 2048` };
  if (/[$`'"\\]/.test(u.href)) return { error: "URL contains $, a quote or a backslash, which iPXE, systemd or a shell would interpret; percent-encode them" };
  return { url: u.href };
}

export function readImage(p: Problems, v: unknown, at: FieldPath): ImageRef | undefined {
  const o = readRecord(p, v, at, "an image: {url, sha256} or {asset, sha256}");
  if (!o) return undefined;
  const before = p.list.length;
  const forms = ["url", "asset"].filter((k) => o[k] !== undefined);
  if (forms.length !== 1) {
    p.add(forms.length ? "conflict" : "missing-field", at, o, "give exactly one of url (fetched by iPXE) or asset (a path in this service's assets cache), with sha256");
    return undefined;
  }
  checkKeys(p, o, at, [forms[0]!, "sha256"]);
  const sha = reqString(p, o, "sha256", at, "the image's SHA-256 (64 hex digits, sha256sum output)");
  if (sha !== undefined && !SHA256.test(sha)) p.add("invalid-value", [...at, "sha256"], sha, "expected 64 hex digits (sha256sum output)");
  let ref: ImageRef | undefined;
  if (forms[0] === "url") {
    const url = reqString(p, o, "url", at, "an http(s) URL");
    const u = url === undefined ? undefined : checkHttpUrl(url);
    if (u && "error" in u) p.add("invalid-value", [...at, "url"], url, u.error);
    if (u && "url" in u && sha) ref = { source: "url", url: u.url, sha256: sha.toLowerCase() };
  } else {
    const path = reqString(p, o, "asset", at, "a path in the assets cache");
    if (path !== undefined && !ASSET_PATH.test(path)) p.add("invalid-value", [...at, "asset"], path, "asset paths are /-separated names of letters, digits, . _ + - (no leading dot, no ..)");
    else if (path !== undefined && sha) ref = { source: "asset", path, sha256: sha.toLowerCase() };
  }
  return p.list.length > before ? undefined : ref;
}

function readArgs(p: Problems, o: Obj): string[] | undefined {
  return readList(p, o, "args", ["boot"], (v, at) => {
    if (typeof v !== "string") return wrongType(p, at, v, "a kernel argument string such as console=ttyS0");
    if (!/^[\x21-\x7e]{1,512}$/.test(v) || v.includes('"')) {
      p.add("invalid-value", at, v, "a kernel argument is 1-512 printable characters without spaces or double quotes; give several arguments as several entries");
      return undefined;
    }
    if (v.startsWith("#") || ["||", "&&", ";"].includes(v)) {
      p.add("invalid-value", at, v, "iPXE reads a word starting with # as a comment and ||, &&, ; as command separators; they cannot be kernel arguments");
      return undefined;
    }
    const key = v.split("=")[0]!;
    if (RESERVED_ARGS.includes(key)) {
      p.add("conflict", at, v, `${key} is generated by the boot service from the profile (config URL, images, install disk); remove it`);
      return undefined;
    }
    return v;
  });
}

const DISK = /^\/dev\/[A-Za-z0-9._:+@/-]{1,250}$/;

function readInstall(p: Problems, v: unknown, os: BootSpec["os"]): FlatcarInstall | FcosInstall | undefined {
  if (v === undefined) return undefined;
  const at = ["boot", "install"];
  const o = readRecord(p, v, at, "a mapping with disk (and for Flatcar channel, version, baseUrl)");
  if (!o) return undefined;
  const flatcarKeys = ["disk", "channel", "version", "baseUrl"];
  checkKeys(p, o, at, os === "flatcar" ? flatcarKeys : ["disk"]);
  const disk = reqString(p, o, "disk", at, "the disk to install to, e.g. /dev/sda or /dev/disk/by-id/...");
  if (disk !== undefined && (!DISK.test(disk) || disk.includes(".."))) p.add("invalid-value", [...at, "disk"], disk, "expected a device path under /dev, e.g. /dev/sda or /dev/disk/by-id/wwn-0x5000c500a0b1c2d3");
  const channel = optString(p, o, "channel", at);
  if (channel !== undefined && !["stable", "beta", "alpha", "lts"].includes(channel)) p.add("invalid-value", [...at, "channel"], channel, "expected stable, beta, alpha or lts");
  const version = optString(p, o, "version", at);
  if (version !== undefined && !/^(current(-20\d\d)?|\d{1,5}\.\d{1,3}\.\d{1,3})$/.test(version)) p.add("invalid-value", [...at, "version"], version, "expected a Flatcar version such as 3975.2.0, current or current-2023");
  const baseUrl = optString(p, o, "baseUrl", at);
  const b = baseUrl === undefined ? undefined : checkHttpUrl(baseUrl);
  if (b && "error" in b) p.add("invalid-value", [...at, "baseUrl"], baseUrl, b.error);
  if (disk === undefined) return undefined;
  return { disk, ...(channel !== undefined && { channel }), ...(version !== undefined && { version }), ...(b && "url" in b && { baseUrl: b.url }) };
}

function readBoot(p: Problems, v: unknown): BootSpec | undefined {
  const o = readRecord(p, v, ["boot"], "a mapping with os, kernel, initrd, args");
  if (!o) return undefined;
  const os = o["os"];
  if (os !== "flatcar" && os !== "fedora-coreos") {
    p.add(os === undefined ? "missing-field" : "invalid-value", ["boot", "os"], os, "boot.os must be flatcar or fedora-coreos (their PXE images take different kernel arguments)");
    return undefined;
  }
  checkKeys(p, o, ["boot"], os === "flatcar" ? ["os", "kernel", "initrd", "args", "install"] : ["os", "kernel", "initrd", "rootfs", "args", "install"]);
  const kernel = o["kernel"] === undefined ? (p.add("missing-field", ["boot", "kernel"], undefined, "boot.kernel is required: {url, sha256} or {asset, sha256}"), undefined) : readImage(p, o["kernel"], ["boot", "kernel"]);
  const initrd = readList(p, o, "initrd", ["boot"], (x, at) => readImage(p, x, at));
  if (o["initrd"] === undefined) p.add("missing-field", ["boot", "initrd"], undefined, "boot.initrd is required: a list of {url, sha256} or {asset, sha256}");
  else if (Array.isArray(o["initrd"]) && o["initrd"].length === 0) p.add("invalid-value", ["boot", "initrd"], [], "give at least one initrd (Flatcar: flatcar_production_pxe_image.cpio.gz; Fedora CoreOS: the live initramfs)");
  const args = readArgs(p, o);
  const install = readInstall(p, o["install"], os);
  if (os === "fedora-coreos") {
    const rootfs = o["rootfs"] === undefined ? (p.add("missing-field", ["boot", "rootfs"], undefined, "Fedora CoreOS live PXE needs boot.rootfs (the live rootfs image, passed as coreos.live.rootfs_url)"), undefined) : readImage(p, o["rootfs"], ["boot", "rootfs"]);
    if (!kernel || !initrd || !args || !rootfs) return undefined;
    return { os, kernel, initrd, rootfs, args, ...(install && { install }) };
  }
  if (!kernel || !initrd || !args) return undefined;
  return { os, kernel, initrd, args, ...(install && { install }) };
}

function readConfig(p: Problems, v: unknown, os: BootSpec["os"] | undefined): { format: ConfigFormat; machine: Obj } | undefined {
  const o = readRecord(p, v, ["config"], "a mapping with format and machine");
  if (!o) return undefined;
  checkKeys(p, o, ["config"], ["format", "machine"]);
  const format = reqString(p, o, "format", ["config"], `one of ${FORMATS.join(", ")}`);
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) p.add("invalid-value", ["config", "format"], format, `expected one of ${FORMATS.join(", ")}`);
  if (format === "cloud-config" && os === "fedora-coreos") p.add("unsupported", ["config", "format"], format, "Fedora CoreOS boots Ignition only; use format: ignition");
  const machine = o["machine"] === undefined ? (p.add("missing-field", ["config", "machine"], undefined, "config.machine is required: a machine description (machine/README.md)"), undefined) : readRecord(p, o["machine"], ["config", "machine"], "a machine description mapping (machine/README.md)");
  const mos = machine?.["os"] ?? "flatcar";
  if (machine && os && typeof mos === "string" && mos !== os) p.add("conflict", ["config", "machine", "os"], mos, `the machine is ${mos} but boot.os is ${os}; set config.machine.os: ${os}`);
  return format && machine ? { format: format as ConfigFormat, machine } : undefined;
}

/** Every `{{boot.*}}` variable in the kernel arguments and the machine; unknown ones
 *  are problems at the string that holds them. */
function readVariables(p: Problems, args: unknown, machine: unknown): { names: string[]; bad: boolean } {
  const names = new Set<string>();
  let bad = false;
  const found = (v: string, at: FieldPath) => {
    const why = checkVariable(v);
    if (why === undefined) names.add(v);
    else {
      p.add("invalid-value", at, `{{boot.${v}}}`, why);
      bad = true;
    }
  };
  scanVariables(args, ["boot", "args"], found);
  scanVariables(machine, ["config", "machine"], found);
  return { names: [...names].sort(), bad };
}

/** The profile, or when only its boot part is bad, at least its config part (so the
 *  machine inside is checked and reported in the same pass). */
export function readProfile(p: Problems, doc: unknown, name: string): { profile?: Profile; config?: ProfileConfig; badVariables?: boolean } {
  const before = p.list.length;
  const o = readRecord(p, doc, [], "a mapping with boot and config");
  if (!o) return {};
  checkKeys(p, o, [], PROFILE_KEYS);
  const description = readDescription(p, o);
  const rawBoot = isRecord(o["boot"]) ? o["boot"] : undefined;
  const os = rawBoot?.["os"] === "flatcar" || rawBoot?.["os"] === "fedora-coreos" ? rawBoot["os"] : undefined;
  const boot = o["boot"] === undefined ? (p.add("missing-field", ["boot"], undefined, "boot is required: os, kernel, initrd, args"), undefined) : readBoot(p, o["boot"]);
  const cfg = o["config"] === undefined ? (p.add("missing-field", ["config"], undefined, "config is required: format and machine"), undefined) : readConfig(p, o["config"], os);
  const variables = readVariables(p, rawBoot?.["args"], cfg?.machine);
  const config = cfg ? { name, format: cfg.format, machine: cfg.machine, variables: variables.names } : undefined;
  if (p.list.length > before || !boot || !config) return config ? { config, badVariables: variables.bad } : {};
  return { profile: { ...config, ...(description !== undefined && { description }), boot }, config };
}
