// ─── The shapes of Hafen's own components the pack reads (acceptance item 3) ──────────
// Everything the pack knows about the `Cluster` component (hafen:index:Cluster,
// components/cluster.ts clusterFacts/clusterOutputs) is in this file; a change to what the
// Cluster registers means editing only here. test/policies/components.test.ts runs the
// pack on real Clusters.
//
// - Stack policies see a component's *outputs* (what it passes to registerOutputs);
//   resource policies see its *inputs* (its args). The pack reads the same field names
//   from both: `name`, `controlCount`, `production`, `discovery`, `tls`, `local`. The
//   Cluster states `discovery.size` only for a token it makes, and `discovery.url` (a
//   secret) only in its outputs.
// - Machines a Cluster creates carry the role/cluster tags (core/machines.ts), so the
//   cluster policies also work from the raw cloud resources alone.
// - `hafen:index:Unit` resources: props `name` plus `contents` (unit text) or `options`
//   (the fleet API's [{section, name, value}]).
// ───────────────────────────────────────────────────────────────────────────────────────
import type { UnitOption } from "../../units";
import { asList, asNumber, asString, at, isProps, UNKNOWN, type Props, type Value } from "./values";

export interface ClusterFacts {
  readonly name: string;
  readonly controlCount?: number;
  readonly production?: boolean;
  /** Discovery: the token URL the control machines use, the size it was created for,
   *  and whether the component runs the discovery service itself. */
  readonly discovery?: { readonly url?: string; readonly size?: number; readonly managed?: boolean };
  /** false when TLS is switched off; undefined when the props do not say. */
  readonly tls?: boolean;
  readonly local?: boolean;
}

const bool = (v: Value): boolean | undefined => (typeof v === "boolean" ? v : undefined);
const knownNumber = (v: Value): number | undefined => {
  const n = asNumber(v);
  return typeof n === "number" ? n : undefined;
};
const knownString = (v: Value): string | undefined => {
  const s = asString(v);
  return typeof s === "string" && s !== "" ? s : undefined;
};

function discoveryOf(v: Value): ClusterFacts["discovery"] {
  if (typeof v === "string") return { url: v };
  if (!isProps(v)) return undefined;
  const url = knownString(v["url"]);
  const size = knownNumber(v["size"]);
  const managed = bool(v["managed"]);
  return { ...(url && { url }), ...(size !== undefined && { size }), ...(managed !== undefined && { managed }) };
}

function tlsOf(v: Value): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (isProps(v)) return bool(v["enabled"]) ?? true;
  return undefined;
}

/** What the pack reads from a Cluster's props; `resourceName` names it when props do not. */
export function clusterFacts(resourceName: string, props: Props): ClusterFacts {
  const controlCount = knownNumber(props["controlCount"]);
  const production = bool(props["production"]);
  const discovery = discoveryOf(props["discovery"]);
  const tls = tlsOf(props["tls"]);
  const local = bool(props["local"]);
  return {
    name: knownString(props["name"]) ?? resourceName,
    ...(controlCount !== undefined && { controlCount }),
    ...(production !== undefined && { production }),
    ...(discovery && { discovery }),
    ...(tls !== undefined && { tls }),
    ...(local !== undefined && { local }),
  };
}

export type UnitResource =
  | { readonly kind: "contents"; readonly name: string; readonly contents: string }
  | { readonly kind: "options"; readonly name: string; readonly options: readonly UnitOption[] }
  | { readonly kind: "invalid"; readonly name: string; readonly why: string }
  | { readonly kind: "unknown"; readonly name: string };

/** A hafen:index:Unit's definition. */
export function unitResource(resourceName: string, props: Props): UnitResource {
  const name = knownString(props["name"]) ?? resourceName;
  const contents = props["contents"];
  const options = props["options"];
  if (contents === UNKNOWN || options === UNKNOWN) return { kind: "unknown", name };
  if (typeof contents === "string") return { kind: "contents", name, contents };
  const list = asList(options);
  if (list === UNKNOWN) return { kind: "unknown", name };
  if (options === undefined) return { kind: "invalid", name, why: "has neither contents (unit text) nor options ([{section, name, value}])" };
  const parsed: UnitOption[] = [];
  for (const [i, o] of list.entries()) {
    const [section, key, value] = [at(o, "section"), at(o, "name"), at(o, "value")];
    if (section === UNKNOWN || key === UNKNOWN || value === UNKNOWN) return { kind: "unknown", name };
    if (typeof section !== "string" || typeof key !== "string" || typeof value !== "string") {
      return { kind: "invalid", name, why: `options[${i}] is not {section, name, value} with string fields` };
    }
    parsed.push({ section, name: key, value });
  }
  return { kind: "options", name, options: parsed };
}
