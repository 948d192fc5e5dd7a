// A machine as the renderers write it: the Hafen runtime's settings file and units
// appended to the user's files and units, and on local machines every file path rebased
// under `root`. Both renderers start here, so cloud-config and Ignition carry the same
// files and units, and a parsed cloud-config compares equal to this form.
import { hafenParts, rebase } from "./hafen-units";
import type { Machine } from "./model";

export type ExpandedMachine = Omit<Machine, "hafen" | "root">;

export function expandMachine(m: Machine): ExpandedMachine {
  const parts = m.hafen ? hafenParts(m.hafen, { root: m.root }) : { files: [], units: [] };
  const files = m.files.map((f) => (m.root ? { ...f, path: rebase(m.root, f.path) } : f));
  return {
    ...(m.hostname !== undefined && { hostname: m.hostname }),
    os: m.os,
    sshAuthorizedKeys: m.sshAuthorizedKeys,
    users: m.users,
    files: [...files, ...parts.files],
    units: [...m.units, ...parts.units],
  };
}
