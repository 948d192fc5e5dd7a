// The unit hash fleet reports (`fleetctl list-unit-files` HASH, the API's unit identity):
// SHA-1 over fleet's canonical text of the option list, which is go-systemd's
// unit.Serialize() as vendored by fleet:
//   - sections in the order they first appear; all options of a section together, in
//     list order (a section that appears twice in the list is merged at its first place);
//   - each section is "[Name]\n" then "Name=Value\n" per option, values raw (a continued
//     value keeps its "\\\n");
//   - one "\n" between sections, none after the last; an empty list is "" (SHA-1 da39a3ee…).
// Comments and blank lines are not options, so they never change the hash.
import { createHash } from "node:crypto";
import type { UnitFile } from "./model";
import { toOptions, type UnitOption } from "./options";

export function canonicalText(options: readonly UnitOption[]): string {
  const order: string[] = [];
  const bySection = new Map<string, UnitOption[]>();
  for (const o of options) {
    const list = bySection.get(o.section);
    if (list) list.push(o);
    else {
      order.push(o.section);
      bySection.set(o.section, [o]);
    }
  }
  return order
    .map((section) => `[${section}]\n${bySection.get(section)!.map((o) => `${o.name}=${o.value}\n`).join("")}`)
    .join("\n");
}

/** Lowercase hex SHA-1 (40 characters), as fleet prints unit hashes. */
export function hashOptions(options: readonly UnitOption[]): string {
  return createHash("sha1").update(canonicalText(options), "utf8").digest("hex");
}

export function hashUnit(unit: UnitFile): string {
  return hashOptions(toOptions(unit));
}

/** fleet's short form (`Hash.Short()`): the first 7 hex digits. */
export function shortHash(hash: string): string {
  return hash.slice(0, 7);
}
