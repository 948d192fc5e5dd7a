// Where in a boot config the secrets are: every text the machine receives (the config
// itself, each decoded file, each unit), located so a reviewer can find it.
import type { Inspection } from "./inspect";
import { scanText, type SecretKind } from "./secrets";

export interface Located {
  readonly kind: SecretKind;
  /** "line 12", "write_files[2] (/etc/hafen/admin.key) line 1", "passwd.users[0].passwordHash". */
  readonly where: string;
  readonly hint: string;
}

function scan(text: string, prefix: string, custom: readonly RegExp[]): Located[] {
  return scanText(text, custom).map((f) => ({ kind: f.kind, where: `${prefix}line ${f.line}`, hint: f.hint }));
}

/**
 * Findings in a config. The config text is scanned line by line (plain files and units
 * of a cloud-config are in it verbatim); encoded contents are scanned after decoding.
 * Ignition inlines everything as JSON strings or data URLs, so its parts are scanned one
 * by one and the raw JSON only for kinds no part showed.
 */
export function configSecrets(ins: Inspection, custom: readonly RegExp[]): Located[] {
  const { boot, userData } = ins;
  const parts: Located[] = [];
  for (const f of boot.files) {
    if (f.text !== undefined && (f.encoded || userData.format === "ignition")) parts.push(...scan(f.text, `${f.where} (${f.path}) `, custom));
  }
  if (userData.format === "ignition") {
    for (const u of boot.units) {
      if (u.contents !== undefined) parts.push(...scan(u.contents, `${u.where} (${u.name}) `, custom));
      u.dropIns.forEach((d, j) => parts.push(...scan(d.contents, `${u.where}.dropins[${j}] (${d.name}) `, custom)));
    }
    for (const u of boot.users) {
      if (u.passwordHash) parts.push({ kind: "password-hash", where: `${u.where}.passwordHash`, hint: `user ${u.name}` });
    }
  }
  const seen = new Set(parts.map((p) => p.kind));
  const raw = scan(userData.text, "", custom).filter((f) => userData.format !== "ignition" || !seen.has(f.kind));
  const all = [...raw, ...parts];
  const unique = new Map(all.map((f) => [`${f.kind} ${f.where}`, f]));
  return [...unique.values()];
}
