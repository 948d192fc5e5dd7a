// A oneshot unit that downloads files and verifies their SHA-256 before anything can use
// them: each file is fetched under a temporary name, checked, given its mode and owner,
// and only then moved into place. Used for the Hafen runtime bundle (hafen-fetch.service)
// and, in cloud-config (which cannot fetch files itself), for files given by URL
// (hafen-fetch-files.service). `curl`, `sha256sum` and `/bin/sh` exist on Flatcar and
// Fedora CoreOS.
//
// Each entry is also recorded as a `# hafen-fetch {json}` comment, so a cloud-config
// parser can recover the entries and check the unit is exactly one Hafen generated.
import { posix } from "node:path";
import { formatMode } from "./checks";
import { execLine, unitText, type Section } from "./unit-text";

export interface FetchEntry {
  readonly path: string;
  readonly url: string;
  readonly sha256: string;
  readonly mode: number;
  readonly owner?: string;
  readonly group?: string;
  /** Position of the file in the machine's file list, recorded so a parser restores it. */
  readonly index?: number;
}

/** cloud-config cannot fetch files itself; this generated unit does it for them. */
export const FETCH_FILES_UNIT = "hafen-fetch-files.service";
export const FETCH_FILES_DESCRIPTION = "Fetch the files the machine config names by URL and verify their SHA-256";
const MARKER = "# hafen-fetch ";
const CURL = ["/usr/bin/curl", "--fail", "--silent", "--show-error", "--location", "--retry", "10", "--retry-connrefused"];

function steps(e: FetchEntry): [string, string][] {
  const part = `${e.path}.hafen-part`;
  // Paths and digests are validated (checks.ts SAFE_PATH, 64 hex), so the shell
  // snippet needs no further quoting.
  const verify = `echo '${e.sha256}  ${part}' | /usr/bin/sha256sum --check --strict --quiet`;
  const out: [string, string][] = [
    ["ExecStart", execLine(["/usr/bin/mkdir", "-p", posix.dirname(e.path)])],
    ["ExecStart", execLine([...CURL, "--output", part, e.url])],
    ["ExecStart", execLine(["/bin/sh", "-c", verify])],
    ["ExecStart", execLine(["/usr/bin/chmod", formatMode(e.mode), part])],
  ];
  if (e.owner !== undefined || e.group !== undefined) {
    out.push(["ExecStart", execLine(["/usr/bin/chown", `${e.owner ?? ""}${e.group !== undefined ? `:${e.group}` : ""}`, part])]);
  }
  out.push(["ExecStart", execLine(["/usr/bin/mv", "-f", part, e.path])]);
  return out;
}

function marker(e: FetchEntry): string {
  const { index, path, url, sha256, mode, owner, group } = e;
  const fields = { ...(index !== undefined && { index }), path, url, sha256, mode, ...(owner !== undefined && { owner }), ...(group !== undefined && { group }) };
  return `${MARKER}${JSON.stringify(fields)}\n`;
}

export function fetchUnitContents(description: string, entries: readonly FetchEntry[]): string {
  const head: Section = ["Unit", [
    ["Description", description],
    ["Wants", "network-online.target"],
    ["After", "network-online.target"],
  ]];
  const service: Section = ["Service", [["Type", "oneshot"], ["RemainAfterExit", "yes"], ...entries.flatMap(steps)]];
  const install: Section = ["Install", [["WantedBy", "multi-user.target"]]];
  return entries.map(marker).join("") + unitText([head, service, install]);
}

/** The entries a generated unit was made from, if `contents` is exactly such a unit
 *  (same description); undefined for anything else, which then stays a plain unit. */
export function recoverFetchEntries(description: string, contents: string): FetchEntry[] | undefined {
  const entries: FetchEntry[] = [];
  for (const line of contents.split("\n")) {
    if (!line.startsWith(MARKER)) break;
    try {
      const e = JSON.parse(line.slice(MARKER.length)) as FetchEntry;
      if (typeof e !== "object" || e === null) return undefined;
      entries.push(e);
    } catch {
      return undefined;
    }
  }
  if (entries.length === 0) return undefined;
  try {
    return fetchUnitContents(description, entries) === contents ? entries : undefined;
  } catch {
    return undefined;
  }
}
