// Unit arguments the fleetctl way, pure. An argument is a unit file path (its basename is
// the unit's name), a unit name, or — for commands acting on units already in the
// cluster — a glob such as 'web@*.service' matched against the cluster's unit names.
// A name without a type gets ".service" (fleetctl's default unit type).
import { basename } from "node:path";
import { compileGlob, globMatches, parseUnitName, type Glob } from "../../../units";

export type UnitArg =
  | { readonly kind: "glob"; readonly arg: string; readonly glob: Glob }
  /** `path` is the argument as a file path (with ".service" added when the name got it). */
  | { readonly kind: "name"; readonly arg: string; readonly name: string; readonly path: string }
  | { readonly kind: "invalid"; readonly arg: string; readonly message: string };

const GLOB_CHARS = /[*?[]/;

export function parseUnitArg(arg: string, opts: { readonly globs: boolean }): UnitArg {
  if (arg.length === 0) return { kind: "invalid", arg, message: "empty argument; expected a unit file or a unit name such as web.service" };
  if (opts.globs && GLOB_CHARS.test(arg)) {
    if (arg.includes("/")) return { kind: "invalid", arg, message: "a glob matches unit names in the cluster and cannot contain '/'" };
    const g = compileGlob(arg);
    if (!g.ok) return { kind: "invalid", arg, message: `not a valid glob: ${g.reason}` };
    return { kind: "glob", arg, glob: g.glob };
  }
  let name = basename(arg);
  let path = arg;
  if (!name.includes(".") && name !== "" && !arg.endsWith("/")) {
    name += ".service";
    path += ".service";
  }
  const parsed = parseUnitName(name);
  if (!parsed.ok) {
    const why = parsed.problems.map((p) => p.message).join("; ");
    const globHint = GLOB_CHARS.test(arg) ? " (globs are only matched by stop, unload, destroy, status and cat)" : "";
    return { kind: "invalid", arg, message: `${why}${globHint}` };
  }
  return { kind: "name", arg, name, path };
}

export interface ArgFailure {
  readonly unit: string;
  readonly message: string;
}

/**
 * The units in the cluster that arguments name or match, in argument order without
 * repeats, and a failure for every argument that names or matches nothing.
 */
export function selectUnits(args: readonly string[], clusterNames: readonly string[]): { names: string[]; failures: ArgFailure[] } {
  const known = new Set(clusterNames);
  const names: string[] = [];
  const seen = new Set<string>();
  const failures: ArgFailure[] = [];
  const add = (n: string) => {
    if (!seen.has(n)) {
      seen.add(n);
      names.push(n);
    }
  };
  for (const arg of args) {
    const a = parseUnitArg(arg, { globs: true });
    switch (a.kind) {
      case "invalid":
        failures.push({ unit: arg, message: a.message });
        break;
      case "glob": {
        const hits = clusterNames.filter((n) => globMatches(a.glob, n));
        if (hits.length === 0) failures.push({ unit: arg, message: `no unit in the cluster matches ${JSON.stringify(arg)}` });
        hits.forEach(add);
        break;
      }
      case "name":
        if (known.has(a.name)) add(a.name);
        else failures.push({ unit: a.name, message: "no such unit in the cluster (see `hafen list-unit-files`)" });
        break;
      default: {
        const _never: never = a;
        return _never;
      }
    }
  }
  return { names, failures };
}
