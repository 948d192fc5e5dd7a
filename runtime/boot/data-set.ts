// All data files together → one consistent BootData, or every problem found. A data set
// is accepted only whole: one bad file anywhere means the service keeps its last good set.
import { formatPath, type FieldPath } from "../../machine";
import { placeholderVars, renderProfileConfig } from "./config";
import type { BootData, DocKind, Group, ImageRef, Profile, ProfileConfig } from "./model";
import { Problems, type BootProblem } from "./problems";
import { readGroup, readProfile } from "./read-docs";

/** One parsed data file. */
export interface SourceDoc {
  readonly kind: DocKind;
  readonly name: string;
  /** Relative to the data directory, e.g. groups/web-1.yaml (API writes name theirs too). */
  readonly file: string;
  readonly value: unknown;
  /** The file did not parse (its problems are reported by the parser); its name still
   *  counts as taken, so groups naming it are not also told it does not exist. */
  readonly unparsed?: boolean;
  lineOf?(at: FieldPath): number | undefined;
}

/** What the assets cache holds: sha256 by path; undefined = no cache configured. */
export type AssetIndex = ReadonlyMap<string, { readonly sha256: string }> | undefined;

export type DataResult = { readonly ok: true; readonly data: BootData } | { readonly ok: false; readonly problems: readonly BootProblem[] };

function locate(problems: readonly BootProblem[], doc: SourceDoc): BootProblem[] {
  return problems.map((p) => {
    const line = p.line ?? doc.lineOf?.(p.at);
    return { ...p, file: doc.file, ...(line !== undefined && { line }) };
  });
}

function checkImages(p: Problems, profile: Profile, assets: AssetIndex): void {
  const refs: [ImageRef, FieldPath][] = [[profile.boot.kernel, ["boot", "kernel"]], ...profile.boot.initrd.map((r, i): [ImageRef, FieldPath] => [r, ["boot", "initrd", i]])];
  if (profile.boot.os === "fedora-coreos") refs.push([profile.boot.rootfs, ["boot", "rootfs"]]);
  for (const [ref, at] of refs) {
    if (ref.source !== "asset") continue;
    const have = assets?.get(ref.path);
    if (!assets) p.add("missing-asset", [...at, "asset"], ref.path, "this service has no assets cache; start it with --assets DIR, or give the image by url");
    else if (!have) p.add("missing-asset", [...at, "asset"], ref.path, `the assets cache has no ${ref.path}; upload it first (PUT /api/v1/assets/${ref.path}?sha256=...)`);
    else if (have.sha256 !== ref.sha256) p.add("checksum-mismatch", [...at, "sha256"], ref.sha256, `cached ${ref.path} has sha256 ${have.sha256}, not the ${ref.sha256} this profile expects`);
  }
}

/** Renders each profile once per group that uses it (or once with stand-ins), so a
 *  machine config that cannot be rendered is refused at load, not at boot. */
function checkRenders(p: Problems, profile: ProfileConfig, groups: readonly Group[]): void {
  const seen = new Set<string>();
  const targets = profile.variables.length === 0 || groups.length === 0 ? [groups[0]] : groups;
  for (const group of targets) {
    const r = renderProfileConfig(profile, placeholderVars(group, profile));
    if (r.ok) continue;
    const suffix = group && profile.variables.length ? ` (as rendered for group ${group.name})` : "";
    if (r.kind === "variable") {
      p.add("invalid-value", ["config", "machine"], undefined, `${r.message}${suffix}`);
      continue;
    }
    for (const m of r.problems) {
      const key = `${m.code} ${formatPath(m.at)} ${m.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      p.list.push({ code: m.code, file: p.file!, at: ["config", "machine", ...m.at], value: m.value, message: `${m.message}${suffix}` });
    }
  }
}

/** `configs`: every profile whose config part is readable, even if its boot part is not
 *  (a group naming such a profile is not reported again: the profile's problems say it). */
function checkGroups(groups: readonly { group: Group; doc: SourceDoc }[], configs: ReadonlyMap<string, ProfileConfig>, profileFiles: readonly string[], byFile: Map<string, Problems>): void {
  const bySelector = new Map<string, SourceDoc>();
  for (const { group, doc } of groups) {
    const p = byFile.get(doc.file)!;
    const config = configs.get(group.profile);
    if (!profileFiles.includes(group.profile)) {
      p.add("unknown-profile", ["profile"], group.profile, `no profile named ${group.profile}; profiles are the files in profiles/ (${profileFiles.join(", ") || "none yet"})`);
    }
    for (const v of config?.variables.filter((x) => x.startsWith("metadata.")) ?? []) {
      const key = v.slice("metadata.".length);
      if (group.metadata[key] === undefined) p.add("missing-field", ["metadata", key], undefined, `profile ${group.profile} uses {{boot.${v}}}; give this group metadata.${key}`);
    }
    const sel = JSON.stringify(group.selector);
    const other = bySelector.get(sel);
    if (other) {
      const what = sel === "{}" ? "is a second default group (no selector)" : "has exactly the selectors of another group";
      p.add("duplicate", ["selector"], group.selector, `group ${group.name} ${what}: ${other.file}; one of them could never be chosen`);
    } else bySelector.set(sel, doc);
  }
}

/** Validates every document and their references to each other and to the assets cache. */
export function buildDataSet(docs: readonly SourceDoc[], assets: AssetIndex): DataResult {
  const byFile = new Map<string, Problems>();
  const groups: { group: Group; doc: SourceDoc }[] = [];
  const profiles = new Map<string, Profile>();
  const configs = new Map<string, { config: ProfileConfig; p: Problems; render: boolean }>();
  const sorted = [...docs].sort((a, b) => (a.name === b.name ? a.file.localeCompare(b.file) : a.name < b.name ? -1 : 1));
  const names = new Map<string, SourceDoc>();
  for (const doc of sorted) {
    const p = new Problems(doc.file);
    byFile.set(doc.file, p);
    const clash = names.get(`${doc.kind}/${doc.name}`);
    if (clash) {
      p.add("duplicate", [], doc.name, `${clash.file} already defines ${doc.kind} ${doc.name}; keep one file per name`);
      continue;
    }
    names.set(`${doc.kind}/${doc.name}`, doc);
    if (doc.unparsed) continue;
    if (doc.kind === "group") {
      const g = readGroup(p, doc.value, doc.name);
      if (g) groups.push({ group: g, doc });
      continue;
    }
    const r = readProfile(p, doc.value, doc.name);
    if (r.profile) {
      profiles.set(doc.name, r.profile);
      checkImages(p, r.profile, assets);
    }
    if (r.config) configs.set(doc.name, { config: r.config, p, render: !r.badVariables });
  }
  const profileFiles = [...new Set(sorted.filter((d) => d.kind === "profile").map((d) => d.name))];
  checkGroups(groups, new Map([...configs].map(([k, v]) => [k, v.config])), profileFiles, byFile);
  for (const { config, p, render } of configs.values()) {
    const metadata = config.variables.filter((v) => v.startsWith("metadata.")).map((v) => v.slice("metadata.".length));
    // Groups lacking metadata the profile needs are reported on the group already.
    const users = groups.map((g) => g.group).filter((g) => g.profile === config.name && metadata.every((k) => g.metadata[k] !== undefined));
    if (render) checkRenders(p, config, users);
  }
  const problems = sorted.flatMap((d) => locate(byFile.get(d.file)!.list, d).sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  if (problems.length) return { ok: false, problems };
  return { ok: true, data: { groups: new Map(groups.map((g) => [g.group.name, g.group])), profiles } };
}
