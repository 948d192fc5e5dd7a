// The root project's entry (../Pulumi.yaml `main`): runs the program named by the
// `program` config key (default: the stack's name), so `pulumi up -s aws` runs stacks/aws.
import * as pulumi from "@pulumi/pulumi";

export const PROGRAMS = ["local", "aws", "digitalocean", "openstack", "vsphere", "multicloud"] as const;
type Program = (typeof PROGRAMS)[number];

interface ProgramOutputs {
  endpoints: pulumi.Output<string[]>;
  machines: pulumi.Output<unknown[]>;
  discoveryUrl: pulumi.Output<string>;
  clientConfig: pulumi.Output<unknown>;
}

function load(name: Program): ProgramOutputs {
  // Only the chosen program is loaded: each builds its cluster when imported.
  switch (name) {
    case "local":
      return require("./local") as ProgramOutputs;
    case "aws":
      return require("./aws") as ProgramOutputs;
    case "digitalocean":
      return require("./digitalocean") as ProgramOutputs;
    case "openstack":
      return require("./openstack") as ProgramOutputs;
    case "vsphere":
      return require("./vsphere") as ProgramOutputs;
    case "multicloud":
      return require("./multicloud") as ProgramOutputs;
    default: {
      const _never: never = name;
      return _never;
    }
  }
}

const chosen = new pulumi.Config().get("program") ?? pulumi.getStack();
if (!(PROGRAMS as readonly string[]).includes(chosen)) {
  throw new Error(`config "program" (or the stack name) is "${chosen}"; expected one of ${PROGRAMS.join(", ")}`);
}
const program = load(chosen as Program);

export const endpoints = program.endpoints;
export const machines = program.machines;
export const discoveryUrl = program.discoveryUrl;
export const clientConfig = program.clientConfig;
