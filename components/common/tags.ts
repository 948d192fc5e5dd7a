// Resource tags that say which cluster, pool and role a resource belongs to. The policy
// pack reads them, so their spelling is a contract:
//   AWS and OpenStack (key/value): hafen:cluster=<name>, hafen:role=<role>, hafen:pool=<pool>
//   DigitalOcean (plain strings):   hafen-cluster-<name>, hafen-role-<role>, hafen-pool-<pool>,
//                                   and hafen:<name>:<pool> for firewalls (see doMemberTag)
// Resources that belong to a pool but to no single role (security groups) carry the
// pool's role; cluster-wide resources carry only the cluster key.

export interface TagScope {
  readonly cluster: string;
  readonly pool?: string;
  readonly role?: string;
}

export function keyValueTags(s: TagScope): Record<string, string> {
  return {
    "hafen:cluster": s.cluster,
    ...(s.role !== undefined && { "hafen:role": s.role }),
    ...(s.pool !== undefined && { "hafen:pool": s.pool }),
  };
}

/** OpenStack `tags` are plain strings: the key/value pairs as `key=value`. */
export function keyValueStrings(s: TagScope): string[] {
  return Object.entries(keyValueTags(s)).map(([k, v]) => `${k}=${v}`);
}

export function doClusterTag(cluster: string): string {
  return `hafen-cluster-${cluster}`;
}

/**
 * The tag DigitalOcean firewalls target and take as a source. `hafen-pool-<pool>` alone
 * would also match another cluster's pool of the same name in the account; names hold no
 * ":", so `hafen:<cluster>:<pool>` is unambiguous.
 */
export function doMemberTag(cluster: string, pool: string): string {
  return `hafen:${cluster}:${pool}`;
}

/** The three label tags of a Droplet (its member tag is made as a resource by the pool). */
export function doTags(s: Required<TagScope>): string[] {
  return [doClusterTag(s.cluster), `hafen-role-${s.role}`, `hafen-pool-${s.pool}`];
}
