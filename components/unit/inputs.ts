// The Unit provider's inputs, their checks and the diff policy. Pure, and free of the
// unit parser on purpose: Pulumi serialises the provider by value and the parser's
// classes do not survive that, so the component lints and converts `contents` to fleet
// options in the program (lint.ts) and the provider receives only `submitted` options.
//
// Diff policy (fleetctl habits):
//   name             replace: a different unit (the old one is destroyed)
//   submitted        update in place: PUT with the new options — fleet treats differing
//                    options as a new version of the unit (fleetctl --replace)
//   desiredState     update: PUT with desiredState only
//   cluster, wait    update without touching the unit (credentials rotate)
import type { UnitDesiredState } from "../common/types";

export const DESIRED_STATES: readonly UnitDesiredState[] = ["inactive", "loaded", "launched"];
export const WAIT_DEFAULT_SECONDS = 600;
export const WAIT_MAX_SECONDS = 3600;

export interface SubmittedOption {
  readonly section: string;
  readonly name: string;
  readonly value: string;
}

/** How to reach the cluster's API (runtime/client/api.ts ClientConfig). Secret. */
export interface UnitCluster {
  readonly endpoint: string;
  readonly token?: string;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

export interface UnitInputs {
  readonly cluster: UnitCluster;
  readonly name: string;
  /** The fleet options to submit (from contents or options, checked by the component). */
  readonly submitted: readonly SubmittedOption[];
  /** Default "launched". */
  readonly desiredState?: UnitDesiredState;
  /** How long each call waits for the API to answer (a new cluster is booting). */
  readonly waitSeconds?: number;
}

export interface UnitOutputs extends UnitInputs {
  readonly desiredState: UnitDesiredState;
}

export interface InputFailure {
  readonly property: string;
  readonly reason: string;
}

function checkCluster(c: unknown): InputFailure[] {
  if (typeof c !== "object" || c === null) return [{ property: "cluster", reason: "expected the cluster's client config {endpoint, token, ca}" }];
  const r = c as Record<string, unknown>;
  const out: InputFailure[] = [];
  const e = r["endpoint"];
  if (typeof e !== "string" || !/^https?:\/\/[^/\s]+\/?$/.test(e)) out.push({ property: "cluster.endpoint", reason: `${JSON.stringify(e) ?? "(missing)"} is not an API base URL; expected http(s)://host:port` });
  for (const k of ["token", "ca", "cert", "key"]) if (r[k] !== undefined && typeof r[k] !== "string") out.push({ property: `cluster.${k}`, reason: "expected a string" });
  if (r["token"] === undefined && r["cert"] === undefined) out.push({ property: "cluster.token", reason: "give an admin token (hfa_…) or a client certificate (cert and key)" });
  return out;
}

function checkSubmitted(v: unknown): InputFailure[] {
  if (!Array.isArray(v) || v.length === 0) return [{ property: "submitted", reason: "expected a non-empty list of fleet options {section, name, value}" }];
  const bad = v.findIndex((o) => typeof o !== "object" || o === null || ["section", "name", "value"].some((k) => typeof (o as Record<string, unknown>)[k] !== "string"));
  return bad < 0 ? [] : [{ property: `submitted[${bad}]`, reason: "expected {section, name, value} strings" }];
}

/** Checks raw inputs; on success returns them with defaults set. */
export function checkUnitInputs(x: unknown): { inputs?: UnitOutputs; failures: InputFailure[] } {
  if (typeof x !== "object" || x === null) return { failures: [{ property: "", reason: "expected {cluster, name, submitted}" }] };
  const i = x as Record<string, unknown>;
  const failures = [...checkCluster(i["cluster"]), ...checkSubmitted(i["submitted"])];
  if (typeof i["name"] !== "string" || !/^[^\s/]{1,255}$/.test(i["name"])) failures.push({ property: "name", reason: 'expected a unit name such as "web@1.service"' });
  const state = i["desiredState"] ?? "launched";
  if (!(DESIRED_STATES as readonly unknown[]).includes(state)) failures.push({ property: "desiredState", reason: `${JSON.stringify(state)} is not one of ${DESIRED_STATES.join(", ")} (default launched)` });
  const wait = i["waitSeconds"];
  if (wait !== undefined && !(typeof wait === "number" && Number.isInteger(wait) && wait >= 0 && wait <= WAIT_MAX_SECONDS)) {
    failures.push({ property: "waitSeconds", reason: `expected a whole number of seconds from 0 to ${WAIT_MAX_SECONDS} (default ${WAIT_DEFAULT_SECONDS})` });
  }
  if (failures.length) return { failures };
  return { inputs: { ...(i as unknown as UnitInputs), desiredState: state as UnitDesiredState }, failures };
}

export function sameOptions(a: readonly SubmittedOption[], b: readonly SubmittedOption[]): boolean {
  return a.length === b.length && a.every((o, n) => o.section === b[n]!.section && o.name === b[n]!.name && o.value === b[n]!.value);
}

export interface UnitDiff {
  readonly changes: boolean;
  readonly replaces: string[];
  /** The options changed: update submits a new version. */
  readonly newVersion: boolean;
  readonly stateChanged: boolean;
}

export function diffUnit(olds: UnitOutputs, news: UnitOutputs): UnitDiff {
  const replaces = olds.name !== news.name ? ["name"] : [];
  const newVersion = !sameOptions(olds.submitted, news.submitted);
  const stateChanged = olds.desiredState !== news.desiredState;
  const soft = JSON.stringify(olds.cluster) !== JSON.stringify(news.cluster) || olds.waitSeconds !== news.waitSeconds;
  return { changes: replaces.length > 0 || newVersion || stateChanged || soft, replaces, newVersion, stateChanged };
}
