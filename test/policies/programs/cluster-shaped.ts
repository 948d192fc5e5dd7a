// Hafen's real Cluster component as a stack declares it (acceptance item 3): two
// clusters, each through `new Cluster(...)`, so the pack reads exactly what the component
// registers and creates.
//   prod  production, 3 AWS control machines all in one zone, 2 workers, bootstrapping
//         from the public discovery.etcd.io — two things a review should flag (and a
//         deployment would fail too: that service cannot hold the sealed CA key)
//   lab   DigitalOcean, a DiscoveryToken the Cluster makes at the team's own service
//         (sized by the Cluster), not production; one region (advisory)
import * as hafen from "../../../index";
import { KEY, SHA } from "../fixtures";

export const PUBLIC_DISCOVERY = `https://discovery.etcd.io/${"5".repeat(32)}`;
const runtime = { url: "https://bundles.example.com/hafen-0.1.0.js", sha256: SHA };
const aws = { provider: "aws" as const, instanceType: "m6i.large", ami: "ami-0123456789abcdef0", vpcId: "vpc-1", subnetIds: ["subnet-a"], availabilityZones: ["eu-central-1a"], region: "eu-central-1" };

export const prod = new hafen.Cluster("prod", {
  production: true,
  pools: [
    { ...aws, name: "control", role: "control", count: 3 },
    { ...aws, name: "work", role: "worker", count: 2 },
  ],
  discovery: { url: PUBLIC_DISCOVERY },
  sshAuthorizedKeys: [KEY],
  runtime,
});

export const lab = new hafen.Cluster("lab", {
  pools: [{ provider: "digitalocean", name: "ctl", role: "both", count: 3, size: "s-2vcpu-4gb", region: "fra1", image: "flatcar-stable" }],
  discovery: { service: "https://discovery.hafen.example.com" },
  sshAuthorizedKeys: [KEY],
  runtime,
});
