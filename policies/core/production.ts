// Whether a stack is production. Any one of these says yes:
// - the stack tag `hafen:production` = true (`pulumi stack tag set hafen:production true`),
// - the policy's config `production: true` (--policy-pack-config),
// - a Cluster component's `production: true`.
// Stack *config* is not visible to policies (@pulumi/policy 1.21 reads only stack tags
// from ConfigureStack), which is why the stack tag is the per-stack switch.
export const PRODUCTION_TAG = "hafen:production";

const TRUE_WORDS = ["true", "yes", "1", "on"];

export function isProduction(configured: boolean, stackTags: ReadonlyMap<string, string>, clusterSays?: boolean): boolean {
  const tag = stackTags.get(PRODUCTION_TAG);
  return configured || clusterSays === true || (tag !== undefined && TRUE_WORDS.includes(tag.trim().toLowerCase()));
}
