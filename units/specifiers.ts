// The systemd specifiers fleet expands in `[X-Fleet]` values (fleet's job.unitPrintf):
//   %n  full unit name            web@1.service
//   %N  name without the type     web@1
//   %p  prefix                    web
//   %i  instance ("" if none)     1
// and %% for a literal %. Other %x pairs are left as written, as fleet leaves them.
// fleet replaces each specifier with a chained strings.Replace and has no %%; the only
// difference that can show is "%%" (fleet: "%" followed by the next specifier expanded),
// since unit names, and so the substituted text, never contain '%'.
import type { UnitName } from "./names";

export function expandSpecifiers(value: string, unit: UnitName): string {
  if (!value.includes("%")) return value;
  const dot = unit.name.lastIndexOf(".");
  const table: Record<string, string> = {
    n: unit.name,
    N: unit.name.slice(0, dot),
    p: unit.prefix,
    i: unit.kind === "instance" ? unit.instance : "",
    "%": "%",
  };
  let out = "";
  for (let k = 0; k < value.length; k++) {
    const c = value[k]!;
    const sub = c === "%" ? table[value[k + 1] ?? ""] : undefined;
    if (sub === undefined) {
      out += c;
    } else {
      out += sub;
      k++;
    }
  }
  return out;
}
