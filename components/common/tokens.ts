// The cluster's API tokens, made by @pulumi/random so they live (encrypted) in the stack
// state and survive re-runs: an admin token (hfa_…, for the CLI and Unit resources) and
// a bootstrap token (hfb_…, lets a new machine join). runtime/api/auth.ts defines the
// format: prefix + at least 20 characters of [A-Za-z0-9_-]; 32 random bytes give 43.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { whenDefined } from "./known";

export const TOKEN_BYTES = 32;

/** `hfa_` / `hfb_` + the bytes as unpadded base64url. */
export function formatToken(prefix: "hfa" | "hfb", base64: string): string {
  return `${prefix}_${base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

export interface ClusterTokens {
  readonly admin: pulumi.Output<string>;
  readonly bootstrap: pulumi.Output<string>;
}

function token(name: string, prefix: "hfa" | "hfb", parent: pulumi.Resource): pulumi.Output<string> {
  const bytes = new random.RandomBytes(name, { length: TOKEN_BYTES }, { parent, additionalSecretOutputs: ["base64", "hex"] });
  return pulumi.secret(bytes.base64.apply((base64) => whenDefined({ base64 }, (v) => formatToken(prefix, v.base64))));
}

export function clusterTokens(cluster: string, parent: pulumi.Resource): ClusterTokens {
  return { admin: token(`${cluster}-admin-token`, "hfa", parent), bootstrap: token(`${cluster}-bootstrap-token`, "hfb", parent) };
}
