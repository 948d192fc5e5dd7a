// A validated Machine back to the plain data `loadMachine()` reads — what a profile's
// config.machine holds and what travels as JSON through the API. Round trip:
// loadMachine(machineData(m)) gives m again (bytes travel as base64).
import type { FileContents, HafenSettings, Machine } from "../../machine";

export type MachineData = Record<string, unknown>;

function contents(c: FileContents): Record<string, unknown> {
  switch (c.source) {
    case "text":
      return { text: c.text };
    case "bytes":
      return { base64: Buffer.from(c.bytes).toString("base64") };
    case "url":
      return { url: c.url, sha256: c.sha256 };
    default: {
      const _never: never = c;
      return _never;
    }
  }
}

/** JSON-safe copy (drops undefined members) of plain settings data. */
function plain(v: HafenSettings): Record<string, unknown> {
  return JSON.parse(JSON.stringify(v)) as Record<string, unknown>;
}

export function machineData(m: Machine): MachineData {
  return {
    ...(m.hostname !== undefined && { hostname: m.hostname }),
    os: m.os,
    sshAuthorizedKeys: [...m.sshAuthorizedKeys],
    users: m.users.map((u) => ({ ...u, groups: [...u.groups], sshAuthorizedKeys: [...u.sshAuthorizedKeys] })),
    files: m.files.map((f) => ({
      path: f.path,
      mode: f.mode,
      ...(f.owner !== undefined && { owner: f.owner }),
      ...(f.group !== undefined && { group: f.group }),
      contents: contents(f.contents),
    })),
    units: m.units.map((u) => ({ ...u, dropIns: u.dropIns.map((d) => ({ ...d })) })),
    ...(m.hafen && { hafen: plain(m.hafen) }),
    ...(m.root !== undefined && { root: m.root }),
  };
}
