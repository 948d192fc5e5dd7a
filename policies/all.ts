// Every policy of the pack, in the order of policies/README.md. Importing this module
// has no side effects (the PolicyPack, which starts a gRPC server, is built only in
// index.ts), so tests import the policies from here.
import type { Policies } from "@pulumi/policy";
import { controlCountPolicy } from "./rules/control-count";
import { controlMemory } from "./rules/control-memory";
import { controlZones } from "./rules/control-zones";
import { discoveryControlled, discoverySize } from "./rules/discovery";
import { coreosImage } from "./rules/machine-image";
import { plaintextSecrets } from "./rules/plaintext-secrets";
import { publicClusterPorts } from "./rules/public-ports";
import { publicSsh } from "./rules/public-ssh";
import { sshKeysOnly } from "./rules/ssh-keys";
import { tls } from "./rules/tls";
import { unitLint } from "./rules/unit-lint";
import { userDataSize } from "./rules/user-data-size";

export const PACK_NAME = "hafen";

export const POLICIES: Policies = [
  controlCountPolicy,
  controlZones,
  publicClusterPorts,
  publicSsh,
  userDataSize,
  plaintextSecrets,
  tls,
  sshKeysOnly,
  discoveryControlled,
  discoverySize,
  coreosImage,
  controlMemory,
  unitLint,
];

export {
  controlCountPolicy,
  controlZones,
  publicClusterPorts,
  publicSsh,
  userDataSize,
  plaintextSecrets,
  tls,
  sshKeysOnly,
  discoveryControlled,
  discoverySize,
  coreosImage,
  controlMemory,
  unitLint,
};
