// Which group a machine belongs to, decided from a snapshot of the data. A group matches
// when every one of its selectors equals what the machine reported; the match with the
// most selectors wins, ties go to the group name that sorts first, and a group without
// selectors (the default) matches any machine. No match → undefined: the caller answers
// 404, never another machine's config.
import type { BootData, Group } from "./model";
import { SELECTOR_KEYS, type Selectors } from "./selectors";

export function matches(group: Group, reported: Selectors): boolean {
  return SELECTOR_KEYS.every((k) => group.selector[k] === undefined || group.selector[k] === reported[k]);
}

export function specificity(group: Group): number {
  return SELECTOR_KEYS.filter((k) => group.selector[k] !== undefined).length;
}

export function matchGroup(data: BootData, reported: Selectors): Group | undefined {
  let best: Group | undefined;
  let bestScore = -1;
  for (const g of data.groups.values()) {
    if (!matches(g, reported)) continue;
    const score = specificity(g);
    if (score > bestScore || (score === bestScore && best !== undefined && g.name < best.name)) {
      best = g;
      bestScore = score;
    }
  }
  return best;
}
