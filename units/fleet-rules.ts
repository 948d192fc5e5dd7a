// The `[X-Fleet]` combinations fleet's API refuses (api/units.go ValidateOptions), plus
// the self-references fleet could never schedule. All violations are reported, each at
// the line of the option that completes the bad pair.
import type { FleetContext, FleetOption, FleetOptions, Occurrence, Occurrences } from "./fleet";
import { matchGlob } from "./glob";

interface Pair {
  readonly a: FleetOption;
  readonly b: FleetOption;
  readonly why: string;
}

const GLOBAL_ONLY = "Global=true allows only MachineMetadata and Conflicts beside it";

/** The refused pairs, in fleet's order. */
export const REFUSED_PAIRS: readonly Pair[] = [
  { a: "MachineID", b: "MachineOf", why: "a unit pinned to one machine cannot follow another unit" },
  { a: "MachineID", b: "Conflicts", why: "a unit pinned to one machine cannot move away from conflicting units" },
  { a: "MachineID", b: "Global", why: `a global unit runs on every matching machine, not on one; ${GLOBAL_ONLY}` },
  { a: "MachineID", b: "Replaces", why: "a unit pinned to one machine cannot move to replace other units" },
  { a: "Global", b: "MachineOf", why: `a global unit cannot follow another unit; ${GLOBAL_ONLY}` },
  { a: "Global", b: "Replaces", why: `a global unit cannot replace units; ${GLOBAL_ONLY}` },
  { a: "Conflicts", b: "Replaces", why: "fleet refuses a unit that both conflicts with and replaces units" },
];

function present(o: FleetOptions, option: FleetOption): boolean {
  switch (option) {
    case "MachineID":
      return o.machineId !== undefined;
    case "MachineOf":
      return o.machineOf !== undefined;
    case "MachineMetadata":
      return Object.keys(o.machineMetadata).length > 0;
    case "Conflicts":
      return o.conflicts.length > 0;
    case "Global":
      return o.global;
    case "Replaces":
      return o.replaces.length > 0;
    default: {
      const _never: never = option;
      return _never;
    }
  }
}

function firstAt(occ: Occurrences, option: FleetOption): Occurrence | undefined {
  const list = occ.get(option) ?? [];
  // Global's effective value comes from its last assignment.
  return option === "Global" ? list[list.length - 1] : list[0];
}

export function checkCombinations(o: FleetOptions, occ: Occurrences, ctx: FleetContext): void {
  for (const { a, b, why } of REFUSED_PAIRS) {
    if (!present(o, a) || !present(o, b)) continue;
    const at = [firstAt(occ, a), firstAt(occ, b)].filter((x): x is Occurrence => x !== undefined);
    const later = at.reduce((x, y) => (y.line > x.line ? y : x));
    // Units built from an API option list have no lines (line 0): name the keys only.
    const where = at.map((x) => (x.line > 0 ? `${x.key}= on line ${x.line}` : `${x.key}=`)).join(" and ");
    ctx.report("conflicting-fleet-options", later, `${a} cannot be used with ${b} (${where}): ${why}`);
  }
  checkPeer(o, occ, ctx);
}

/** A MachineOf target caught by the unit's own Conflicts/Replaces globs, or the unit itself. */
function checkPeer(o: FleetOptions, occ: Occurrences, ctx: FleetContext): void {
  if (!ctx.concrete || !ctx.unit) return;
  const self = ctx.unit.name;
  const peer = o.machineOf;
  const peerAt = firstAt(occ, "MachineOf");
  if (peer !== undefined && peerAt) {
    if (peer === self) ctx.report("self-reference", peerAt, `MachineOf=${peer} names the unit itself; a unit cannot follow itself`);
    for (const [option, globs] of [["Conflicts", o.conflicts], ["Replaces", o.replaces]] as const) {
      for (const g of globs.filter((x) => matchGlob(x, peer))) {
        ctx.report(
          "conflicting-fleet-options",
          peerAt,
          `MachineOf=${peer} matches the unit's own ${option} glob "${g}": the unit would have to run next to a unit it ${option === "Conflicts" ? "conflicts with" : "replaces"}; fleet refuses this too`,
        );
      }
    }
  }
  for (const g of o.replaces.filter((x) => matchGlob(x, self))) {
    const at = (occ.get("Replaces") ?? []).find((x) => x.items.includes(g)) ?? { line: 0, text: g };
    ctx.report("self-reference", at, `Replaces glob "${g}" matches the unit's own name ${self}; a unit cannot replace itself`);
  }
}
