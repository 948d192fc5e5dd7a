// The etcd v2 JSON shapes a token's tree is shown in, built from the registry's state.
// Field names and nesting follow etcd's v2 keys API (`action`, `node` with `key`,
// `value`, `dir`, `nodes`, `modifiedIndex`, `createdIndex`, `prevNode`), which etcd's
// discovery client decodes. The tree of a token is fixed: `/<t>` (dir) holding
// `/<t>/_config` (dir) with `/<t>/_config/size`, and one key per member.
import type { HistoryEvent, MemberNode } from "./records";

export interface V2Node {
  readonly key: string;
  readonly value?: string;
  readonly dir?: true;
  readonly nodes?: readonly V2Node[];
  readonly modifiedIndex: number;
  readonly createdIndex: number;
}

export interface V2Response {
  readonly action: string;
  readonly node: V2Node;
  readonly prevNode?: V2Node;
}

/** What the tree views need to know about a token. */
export interface TokenView {
  readonly token: string;
  readonly size: number;
  readonly createdIndex: number;
  readonly members: ReadonlyMap<string, MemberNode>;
}

export const dirKey = (token: string): string => `/${token}`;
export const configKey = (token: string): string => `/${token}/_config`;
export const sizeKey = (token: string): string => `/${token}/_config/size`;
export const memberKey = (token: string, id: string): string => `/${token}/${id}`;

export function sizeNode(t: TokenView): V2Node {
  return { key: sizeKey(t.token), value: String(t.size), modifiedIndex: t.createdIndex, createdIndex: t.createdIndex };
}

/** `_config`; its child is listed when the dir itself is the target or `recursive` is set. */
export function configNode(t: TokenView, withChildren: boolean): V2Node {
  const base = { key: configKey(t.token), dir: true as const };
  const idx = { modifiedIndex: t.createdIndex, createdIndex: t.createdIndex };
  return withChildren ? { ...base, nodes: [sizeNode(t)], ...idx } : { ...base, ...idx };
}

export function memberNode(token: string, m: MemberNode): V2Node {
  return { key: memberKey(token, m.id), value: m.value, modifiedIndex: m.modifiedIndex, createdIndex: m.createdIndex };
}

/** The token dir. Members come in registration order (createdIndex) unless `sorted`
 * asks for key order; etcd's client sorts by createdIndex itself either way. */
export function dirNode(t: TokenView, recursive: boolean, sorted: boolean): V2Node {
  const members = [...t.members.values()].sort((a, b) => a.createdIndex - b.createdIndex).map((m) => memberNode(t.token, m));
  const nodes = [configNode(t, recursive), ...members];
  if (sorted) nodes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { key: dirKey(t.token), dir: true, nodes, modifiedIndex: t.createdIndex, createdIndex: t.createdIndex };
}

/** The body of a watch answer or of the write that caused the event. */
export function eventResponse(ev: HistoryEvent): V2Response {
  const node: V2Node =
    ev.value === undefined
      ? { key: ev.key, modifiedIndex: ev.modifiedIndex, createdIndex: ev.createdIndex }
      : { key: ev.key, value: ev.value, modifiedIndex: ev.modifiedIndex, createdIndex: ev.createdIndex };
  if (!ev.prev) return { action: ev.action, node };
  const prevNode: V2Node = { key: ev.key, value: ev.prev.value, modifiedIndex: ev.prev.modifiedIndex, createdIndex: ev.prev.createdIndex };
  return { action: ev.action, node, prevNode };
}

/** etcd's watch match: the key itself, or (recursive) anything below it. */
export function eventMatches(ev: HistoryEvent, key: string, recursive: boolean): boolean {
  return ev.key === key || (recursive && ev.key.startsWith(key + "/"));
}
