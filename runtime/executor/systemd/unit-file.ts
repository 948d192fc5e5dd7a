// The unit file the systemd executor writes: the options in order, sections grouped in
// order of first appearance, and every `[X-…]` section left out. systemd ignores X-
// sections silently (checked: systemd-analyze verify prints nothing for [X-Fleet]), but
// they are fleet's scheduling data, not the machine's, so they do not belong on disk.
import { serializeUnit, validateUnit } from "../../../units/serialize";
import type { Assignment, Section, UnitFile } from "../../../units/model";
import type { UnitSpec } from "../types";

export type Rendered = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

export function renderUnitFile(unit: UnitSpec): Rendered {
  const sections = new Map<string, Assignment[]>();
  for (const o of unit.options) {
    if (o.section.startsWith("X-")) continue;
    const list = sections.get(o.section) ?? [];
    list.push({ kind: "assignment", key: o.name, value: o.value });
    sections.set(o.section, list);
  }
  const model: UnitFile = {
    preamble: [{ kind: "comment", text: `# ${unit.name} written by hafen's systemd executor; fleet hash ${unit.hash.replace(/[^0-9a-zA-Z]/g, "")}` }],
    sections: [...sections].map(([name, entries]): Section => ({ name, entries })),
  };
  const problems = validateUnit(model, unit.name);
  if (problems.length > 0) return { ok: false, reason: problems.map((p) => p.message).join("; ") };
  return { ok: true, text: serializeUnit(model) };
}
