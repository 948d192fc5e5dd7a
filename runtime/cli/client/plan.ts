// What submit/load/start do with one unit, decided from what the cluster holds and what
// was found locally (pure). Units are immutable by content: a local file that differs
// from the unit of the same name in the cluster is refused unless --replace is given.
// Where the contents come from, in order: the file named by the argument; for an
// instance (web@1.service) the local template beside it (web@.service), then the
// template already in the cluster.
import { hashOptions, parseUnitName } from "../../../units";
import type { FleetUnit } from "../../client/api";
import type { UnitOption } from "../../executor/types";

export interface LocalUnit {
  /** The file as the user named it, for messages. */
  readonly file: string;
  readonly options: readonly UnitOption[];
}

export type Plan =
  | { readonly kind: "create"; readonly name: string; readonly options: readonly UnitOption[]; readonly from: string; readonly previous?: FleetUnit }
  | { readonly kind: "keep"; readonly name: string; readonly unit: FleetUnit }
  | { readonly kind: "fail"; readonly name: string; readonly message: string };

export interface PlanInput {
  readonly name: string;
  /** The argument as a path, for "no such file" messages. */
  readonly path: string;
  readonly existing?: FleetUnit;
  readonly local?: LocalUnit;
  readonly clusterTemplate?: FleetUnit;
  readonly replace: boolean;
}

export function planUnit(i: PlanInput): Plan {
  const { name, existing, local } = i;
  if (existing && local) {
    if (hashOptions(local.options) === hashOptions(existing.options)) return { kind: "keep", name, unit: existing };
    if (!i.replace) {
      return { kind: "fail", name, message: `the unit in the cluster differs from ${local.file}; pass --replace to replace it (it restarts with the new contents)` };
    }
    return { kind: "create", name, options: local.options, from: local.file, previous: existing };
  }
  if (existing) return { kind: "keep", name, unit: existing };
  if (local) return { kind: "create", name, options: local.options, from: local.file };
  if (i.clusterTemplate) return { kind: "create", name, options: i.clusterTemplate.options, from: `template ${i.clusterTemplate.name} in the cluster` };
  const n = parseUnitName(name);
  const template = n.ok && n.value.kind === "instance" ? ` nor a template ${n.value.template} (beside it or in the cluster)` : "";
  return { kind: "fail", name, message: `no unit file ${i.path}${template}, and no unit ${name} in the cluster` };
}

export function isTemplateName(name: string): boolean {
  const n = parseUnitName(name);
  return n.ok && n.value.kind === "template";
}

/** For an instance name, its template (web@1.service → web@.service). */
export function templateName(name: string): string | undefined {
  const n = parseUnitName(name);
  return n.ok && n.value.kind === "instance" ? n.value.template : undefined;
}
