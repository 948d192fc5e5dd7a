// A safe production cluster on the raw providers, the way Hafen's pools lay it out: three
// tagged control machines in three zones booting machine/-rendered configs with TLS and
// a bootstrap token, SSH keys, a discovery service the stack runs, firewalls open only
// to the private network (and the discovery port to the world), a DigitalOcean worker.
// The pack must find nothing here (no false positives).
import * as aws from "@pulumi/aws";
import * as digitalocean from "@pulumi/digitalocean";
import { DISCOVERY_HOST, hafenMachine, KEY, userData } from "../fixtures";

const tags = (role: string) => ({ "hafen:role": role, "hafen:cluster": "prod" });

const group = new aws.ec2.SecurityGroup("cluster", {
  description: "Hafen cluster",
  ingress: [
    { protocol: "tcp", fromPort: 2379, toPort: 2380, cidrBlocks: ["10.0.0.0/16"] },
    { protocol: "tcp", fromPort: 7480, toPort: 7481, cidrBlocks: ["10.0.0.0/16", "203.0.113.7/32"] },
    { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["198.51.100.0/24"] },
  ],
});
new aws.vpc.SecurityGroupIngressRule("discovery-public", { securityGroupId: group.id, ipProtocol: "tcp", fromPort: 7482, toPort: 7482, cidrIpv4: "0.0.0.0/0" });

// The discovery service's machine and its name: the stack controls the discovery host.
const discovery = new aws.ec2.Instance("discovery", {
  ami: "ami-0fedcba9876543210",
  instanceType: "t3.small",
  keyName: "ops",
  userData: userData({ sshAuthorizedKeys: [KEY] }),
  tags: { "hafen:service": "discovery" },
});
new aws.route53.Record("discovery", { zoneId: "Z123", name: DISCOVERY_HOST, type: "A", ttl: 60, records: [discovery.privateIp] });

["eu-central-1a", "eu-central-1b", "eu-central-1c"].forEach((zone, i) => {
  new aws.ec2.Instance(`control-${i + 1}`, {
    ami: "ami-0123456789abcdef0",
    instanceType: "m6i.large",
    availabilityZone: zone,
    keyName: "ops",
    vpcSecurityGroupIds: [group.id],
    userData: userData(hafenMachine("control")),
    tags: tags("control"),
  });
});

new digitalocean.Droplet("worker-1", {
  image: "flatcar-stable",
  size: "s-2vcpu-4gb",
  region: "fra1",
  sshKeys: ["12345"],
  userData: userData(hafenMachine("worker"), "cloud-config", "digitalocean"),
  tags: ["hafen-role-worker", "hafen-cluster-prod"],
});
new digitalocean.Firewall("workers", {
  tags: ["hafen-cluster-prod"],
  inboundRules: [
    { protocol: "tcp", portRange: "7481", sourceAddresses: ["10.0.0.0/16"] },
    { protocol: "tcp", portRange: "22", sourceAddresses: ["198.51.100.0/24"] },
  ],
});
