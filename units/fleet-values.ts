// Readers for the single `[X-Fleet]` values; each reports through the context and
// returns undefined for a value it refused.
import type { FleetContext, Occurrence } from "./fleet";
import { parseUnitName } from "./names";
import { quoted } from "./problems";

interface Item {
  readonly item: string;
  readonly at: Occurrence;
}

/** fleet's truthy words, and their opposites; anything else fleet would silently read as false. */
const TRUE_WORDS = ["true", "yes", "1", "on", "t"];
const FALSE_WORDS = ["false", "no", "0", "off", "f"];

/** `Global`: the last assignment wins, as in fleet; every assignment must be a clear boolean. */
export function readBoolean(occs: readonly Occurrence[], ctx: FleetContext): boolean {
  let result = false;
  for (const o of occs) {
    if (o.items.length !== 1) {
      ctx.report("invalid-option-value", o, `${o.key} takes one boolean, got ${o.items.length} items`);
      continue;
    }
    const word = o.items[0]!.toLowerCase();
    if (TRUE_WORDS.includes(word)) result = true;
    else if (FALSE_WORDS.includes(word)) result = false;
    else {
      ctx.report(
        "invalid-option-value",
        o,
        `${o.key}=${quoted(o.items[0]!, 40)} is not a boolean; accepted: ${TRUE_WORDS.join(", ")} or ${FALSE_WORDS.join(", ")} (any case)`,
      );
    }
  }
  return result;
}

/** `k=v`: exactly one '=', a key without blanks, a value without surrounding blanks. */
export function readMetadataPair(item: string, at: Occurrence, ctx: FleetContext): { key: string; value: string } | undefined {
  const parts = item.split("=");
  const [key = "", value = ""] = parts;
  let why: string | undefined;
  if (parts.length !== 2) why = parts.length < 2 ? "it has no '='" : "it has more than one '='; quote each pair: \"k=v\" \"k2=v2\"";
  else if (key === "" || value === "") why = "key and value must both be non-empty";
  else if (/\s/.test(key)) why = "the key contains a blank";
  else if (value.trim() !== value) why = "the value starts or ends with a blank";
  if (why) {
    ctx.report("invalid-option-value", at, `${at.key}: metadata pair ${quoted(item, 60)} is not KEY=VALUE: ${why}`);
    return undefined;
  }
  return { key, value };
}

/** Machine ids as fleet and Hafen print them: letters, digits and "_.:-". */
const MACHINE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

export function readMachineId(items: readonly Item[], ctx: FleetContext): string | undefined {
  const good = items.filter(({ item, at }) => {
    if (!ctx.concrete && item.includes("%")) return true;
    if (MACHINE_ID.test(item)) return true;
    const hint = item.includes("%") ? "; fleet expands only %n, %N, %p, %i and %%" : "";
    ctx.report("invalid-option-value", at, `${at.key}=${quoted(item, 60)} is not a machine id; expected the machine's full id (letters, digits, "_.:-")${hint}`);
    return false;
  });
  return single(good, "MachineID", "a unit can be pinned to one machine only", ctx);
}

export function readMachineOf(items: readonly Item[], ctx: FleetContext): string | undefined {
  const good = items.filter(({ item, at }) => {
    if (!ctx.concrete) return true;
    const n = parseUnitName(item, ctx.file);
    if (!n.ok) {
      const why = n.problems[0]?.message ?? "";
      ctx.report("invalid-option-value", at, `${at.key}=${quoted(item, 60)} is not a unit name: ${why}`);
      return false;
    }
    if (n.value.kind === "template") {
      ctx.report("invalid-option-value", at, `${at.key}=${quoted(item, 60)} is a template, which never runs; name an instance such as ${n.value.prefix}@1.${n.value.type}`);
      return false;
    }
    return true;
  });
  return single(good, "MachineOf", "Hafen follows one target unit; chain units to colocate more", ctx);
}

function single(items: readonly Item[], option: string, why: string, ctx: FleetContext): string | undefined {
  const distinct = [...new Set(items.map((x) => x.item))];
  if (distinct.length > 1) {
    const last = items[items.length - 1]!.at;
    ctx.report("invalid-option-value", last, `${option} is given ${distinct.length} different values (${distinct.map((d) => quoted(d, 40)).join(", ")}); ${why}`);
    return undefined;
  }
  return distinct[0];
}
