// The pack's entry point: `pulumi preview --policy-pack policies` runs this file.
// Constructing a PolicyPack starts @pulumi/policy's gRPC server (and a second one in the
// same process exits it), so this is the only module that does; tests import ./all.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, POLICIES } from "./all";

new PolicyPack(PACK_NAME, {
  description: "Hafen: catch unsafe CoreOS-style clusters before `pulumi up` (exposed etcd, secrets in user data, no TLS, bad control counts, …).",
  policies: POLICIES,
});
