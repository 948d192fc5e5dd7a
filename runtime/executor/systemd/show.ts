// Reading `systemctl show -p Id,LoadState,ActiveState,SubState,MainPID -- U1 U2 …`:
// one block of KEY=VALUE lines per unit, in argument order, blocks separated by a blank
// line. systemd's values map onto the contract's (types.ts); ones it does not list are
// folded into the nearest (bad-setting → error, maintenance → inactive, refreshing →
// reloading).
import type { ActiveState, LoadState } from "../types";

export const SHOW_PROPERTIES = "Id,LoadState,ActiveState,SubState,MainPID";

export interface ShownUnit {
  readonly id: string;
  readonly loadState: LoadState;
  /** systemd's own LoadState when it differs from `loadState` (e.g. bad-setting). */
  readonly rawLoadState: string;
  readonly activeState: ActiveState;
  readonly subState: string;
  readonly mainPid: number;
}

export function parseShow(stdout: string): ShownUnit[] {
  const out: ShownUnit[] = [];
  for (const block of stdout.split(/\n\s*\n/)) {
    const props = new Map<string, string>();
    for (const line of block.split("\n")) {
      const eq = line.indexOf("=");
      if (eq > 0) props.set(line.slice(0, eq), line.slice(eq + 1));
    }
    if (!props.has("Id")) continue;
    const rawLoad = props.get("LoadState") ?? "";
    out.push({
      id: props.get("Id")!,
      loadState: mapLoadState(rawLoad),
      rawLoadState: rawLoad,
      activeState: mapActiveState(props.get("ActiveState") ?? ""),
      subState: props.get("SubState") ?? "",
      mainPid: Number(props.get("MainPID") ?? "0") || 0,
    });
  }
  return out;
}

export function mapLoadState(s: string): LoadState {
  switch (s) {
    case "loaded":
    case "merged":
    case "stub":
      return "loaded";
    case "not-found":
      return "not-found";
    case "masked":
      return "masked";
    default:
      return "error"; // error, bad-setting, anything newer
  }
}

export function mapActiveState(s: string): ActiveState {
  switch (s) {
    case "active":
    case "reloading":
    case "inactive":
    case "failed":
    case "activating":
    case "deactivating":
      return s;
    case "refreshing":
      return "reloading";
    default:
      return "inactive"; // maintenance, or anything newer without a process to speak of
  }
}
