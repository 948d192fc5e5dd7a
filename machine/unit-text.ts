// Building the unit files Hafen generates: command lines quoted the way systemd splits
// them, sections written in a fixed order. Pure string functions.

/** Words systemd passes through unchanged: no quoting, no specifiers, no variables. */
const PLAIN = /^[A-Za-z0-9._@+,:=~\/-]+$/;

/**
 * One argument of an Exec*= line. systemd expands `%` specifiers and `$VAR`s and splits
 * on whitespace unless quoted, so `%` → `%%`, `$` → `$$`, and anything unusual is put
 * in double quotes with `\` and `"` escaped.
 */
export function execArg(arg: string): string {
  if (PLAIN.test(arg)) return arg;
  const escaped = arg.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%/g, "%%").replace(/\$/g, "$$$$");
  return `"${escaped}"`;
}

/** An Exec*= value from argv; `prefix` is systemd's "-" (ignore failure) and friends. */
export function execLine(argv: readonly string[], prefix = ""): string {
  return prefix + argv.map(execArg).join(" ");
}

export type Section = readonly [name: string, entries: ReadonlyArray<readonly [key: string, value: string]>];

/** Unit file text: sections in the given order, a blank line between them. */
export function unitText(sections: readonly Section[]): string {
  return sections
    .filter(([, entries]) => entries.length > 0)
    .map(([name, entries]) => `[${name}]\n${entries.map(([k, v]) => `${k}=${v}\n`).join("")}`)
    .join("\n");
}

/** True when unit text has an [Install] section (what `enable` and Ignition's `enabled` act on). */
export function hasInstallSection(contents: string): boolean {
  return /^[ \t]*\[Install\][ \t]*$/m.test(contents);
}
