// Pulumi dynamic provider for `BootMachines`: a set of groups and profiles on a Hafen boot
// service, written through its authenticated API (POST /api/v1/apply, all or nothing).
//   create: puts every document, requiring that none of the names exists yet — a stack
//           never silently takes over files an operator (or another stack) wrote.
//   diff:   another service URL replaces (the documents move); document changes update.
//   update: puts changed documents, deletes the ones no longer declared; names new to
//           this resource must not exist yet (same rule as create).
//   delete: deletes every declared document; ones already gone count as deleted.
//   read:   the declared documents the service still holds.
// The documents travel as ONE JSON string: Pulumi passes object inputs through protobuf
// Structs, which do not keep key order, and key order inside a machine (e.g. its fleet
// metadata) is part of the rendered config — the string keeps the config byte-identical.
// It ships to Pulumi's provider host by closure serialisation: it uses only the boot
// client (node:http/https) and node:crypto, and no class field initialisers.
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { applyChange, listDocs, type BootEndpoint } from "../../runtime/boot/client";

export interface BootMachinesInputs {
  readonly endpoint: BootEndpoint;
  /** JSON of {groups: {name: doc}, profiles: {name: doc}} (see the module comment). */
  readonly documents: string;
}

export interface BootDocuments {
  readonly groups: Readonly<Record<string, unknown>>;
  readonly profiles: Readonly<Record<string, unknown>>;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The documents, or why they are not {groups: {...}, profiles: {...}}. */
export function parseDocuments(text: string): BootDocuments | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `documents is not JSON: ${(e as Error).message}`;
  }
  if (!isObject(v) || !isObject(v["groups"]) || !isObject(v["profiles"])) return "documents must be {groups: {name: document}, profiles: {name: document}}";
  return { groups: v["groups"], profiles: v["profiles"] };
}

function docs(i: BootMachinesInputs): BootDocuments {
  const d = parseDocuments(i.documents);
  if (typeof d === "string") throw new Error(d);
  return d;
}

export interface BootMachinesOutputs extends BootMachinesInputs {
  /** The service's data generation after the last write. */
  readonly generation: number;
}

const removed = (olds: Readonly<Record<string, unknown>>, news: Readonly<Record<string, unknown>>) => Object.keys(olds).filter((n) => !(n in news));
const added = (olds: Readonly<Record<string, unknown>>, news: Readonly<Record<string, unknown>>) => Object.keys(news).filter((n) => !(n in olds));

/** Which input properties differ, and whether the resource must be replaced. */
export function diffBootMachines(olds: BootMachinesInputs, news: BootMachinesInputs): { changes: boolean; replaces: string[]; changed: string[] } {
  const changed = olds.documents === news.documents ? [] : ["documents"];
  const replaces = olds.endpoint.url.replace(/\/+$/, "") !== news.endpoint.url.replace(/\/+$/, "") ? ["endpoint"] : [];
  const tokenChanged = olds.endpoint.token !== news.endpoint.token || olds.endpoint.ca !== news.endpoint.ca;
  return { changes: changed.length > 0 || replaces.length > 0 || tokenChanged, replaces, changed: [...changed, ...(tokenChanged || replaces.length ? ["endpoint"] : [])] };
}

function shapeFailures(i: BootMachinesInputs): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  if (!i.endpoint || typeof i.endpoint.url !== "string" || !/^https?:\/\//.test(i.endpoint.url)) failures.push({ property: "endpoint", reason: "endpoint.url must be the boot service's http(s) base URL" });
  if (!i.endpoint || typeof i.endpoint.token !== "string" || i.endpoint.token.length < 16) failures.push({ property: "endpoint", reason: "endpoint.token must be a token from the service's --token-file (at least 16 characters)" });
  const d = typeof i.documents === "string" ? parseDocuments(i.documents) : "documents must be a JSON string";
  if (typeof d === "string") failures.push({ property: "documents", reason: d });
  return failures;
}

function idFor(i: BootMachinesInputs): string {
  const d = docs(i);
  const names = [...Object.keys(d.groups).map((n) => `g/${n}`), ...Object.keys(d.profiles).map((n) => `p/${n}`)].sort();
  return `boot-${createHash("sha256").update(`${i.endpoint.url}\n${names.join("\n")}`).digest("hex").slice(0, 16)}`;
}

export function bootMachinesProvider(): pulumi.dynamic.ResourceProvider<BootMachinesInputs, BootMachinesOutputs> {
  return {
    async check(_olds, news) {
      const failures = shapeFailures(news);
      return failures.length ? { inputs: news, failures } : { inputs: news };
    },

    async diff(_id, olds, news) {
      const d = diffBootMachines(olds, news);
      return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: false };
    },

    async create(inputs) {
      const d = docs(inputs);
      const r = await applyChange(inputs.endpoint, { ...d, absent: { groups: Object.keys(d.groups), profiles: Object.keys(d.profiles) } });
      return { id: idFor(inputs), outs: { ...inputs, generation: r.generation } };
    },

    async update(_id, olds, news) {
      const nulls = (names: string[]) => Object.fromEntries(names.map((n) => [n, null]));
      const [o, n] = [docs(olds), docs(news)];
      const r = await applyChange(news.endpoint, {
        groups: { ...nulls(removed(o.groups, n.groups)), ...n.groups },
        profiles: { ...nulls(removed(o.profiles, n.profiles)), ...n.profiles },
        absent: { groups: added(o.groups, n.groups), profiles: added(o.profiles, n.profiles) },
      });
      return { outs: { ...news, generation: r.generation } };
    },

    async delete(_id, props) {
      const nulls = (m: Readonly<Record<string, unknown>>) => Object.fromEntries(Object.keys(m).map((n) => [n, null]));
      const d = docs(props);
      await applyChange(props.endpoint, { groups: nulls(d.groups), profiles: nulls(d.profiles) });
    },

    async read(id, props) {
      if (!props) throw new Error("BootMachines read needs the resource's last outputs (they hold the endpoint)");
      const [groups, profiles] = await Promise.all([listDocs(props.endpoint, "groups"), listDocs(props.endpoint, "profiles")]);
      const keep = (declared: Readonly<Record<string, unknown>>, held: Record<string, unknown>) => Object.fromEntries(Object.keys(declared).filter((n) => n in held).map((n) => [n, held[n]]));
      const d = docs(props);
      const g = keep(d.groups, groups);
      const p = keep(d.profiles, profiles);
      if (Object.keys(g).length === 0 && Object.keys(p).length === 0) return {};
      return { id, props: { ...props, documents: JSON.stringify({ groups: g, profiles: p }) } };
    },
  };
}
