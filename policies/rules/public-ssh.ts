// hafen-no-public-ssh (advisory): SSH open to the whole internet invites brute force and
// exploits of sshd; keys-only login (hafen-ssh-keys-only) limits the damage, hence
// advisory rather than mandatory.
import { defineConfig, integerField } from "../core/config";
import { sourceField, worldExposures } from "../core/ingress";
import { spanText } from "../core/net";
import { label, resourcePolicy } from "../core/policy";
import { FIREWALL_TYPES } from "../core/types";

const config = defineConfig({
  sshPort: integerField(22, 1, 65535, "The port sshd listens on."),
});

export const publicSsh = resourcePolicy({
  name: "hafen-no-public-ssh",
  description: "SSH is not open to 0.0.0.0/0 or ::/0.",
  enforcementLevel: "advisory",
  remediationSteps: "Allow SSH only from your administrators' addresses or a bastion host.",
  config,
  types: FIREWALL_TYPES,
  check: (r, c) =>
    worldExposures(r.type, r.props, [{ name: "ssh", port: c.sshPort }]).map((e) => {
      const at = e.rule.where ? ` ${e.rule.where}` : "";
      return `${label(r)}${at}: ${spanText(e.span)} from ${e.world.join(", ")} lets anyone reach SSH (port ${c.sshPort}). Set ${sourceField(r.type)} to your administrators' addresses or a bastion host.`;
    }),
});
