// A deliberately unsafe cluster built from the raw providers, as someone might write it
// without Hafen's components. Each resource says which policies it breaks; the stack is
// meant to be previewed with the stack tag hafen:production=true.
import * as aws from "@pulumi/aws";
import * as digitalocean from "@pulumi/digitalocean";
import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";

const publicToken = (n: number) => `https://discovery.etcd.io/${String(n).repeat(32)}`;

// Plausible bodies only; not usable keys or tokens.
const serverKey = ["-----BEGIN EC PRIVATE KEY-----", "MHcCAQEEIBadBadBadBadBadBadBadBadBadBadBadBadBadBadBaoAoGCCqGSM49", "-----END EC PRIVATE KEY-----"].join("\n");
const adminToken = `hfa_${"N0tAR3alT0k3n".repeat(3)}`;

const launch = {
  style: "container",
  engine: "docker",
  nodeImage: `docker.io/library/node:20-alpine@sha256:${"a".repeat(64)}`,
  etcdImage: `quay.io/coreos/etcd:v3.5.17@sha256:${"b".repeat(64)}`,
};

// hafen-control-count (2 control machines), hafen-control-zones (both in eu-central-1a),
// hafen-discovery-controlled (discovery.etcd.io), hafen-discovery-size (two tokens).
const tags = (role: string) => ({ "hafen:role": role, "hafen:cluster": "bad" });

// hafen-no-public-cluster-ports (etcd from anywhere), hafen-no-public-ssh.
const group = new aws.ec2.SecurityGroup("cluster-sg", {
  description: "Hafen control machines",
  ingress: [
    { protocol: "tcp", fromPort: 2379, toPort: 2380, cidrBlocks: ["0.0.0.0/0"] },
    { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] },
  ],
});

// hafen-no-public-cluster-ports: the API and agent ports from anywhere.
new aws.ec2.SecurityGroupRule("api-open", { type: "ingress", protocol: "tcp", fromPort: 7480, toPort: 7481, cidrBlocks: ["0.0.0.0/0"], securityGroupId: group.id });

// hafen-no-public-cluster-ports: every protocol from all of IPv6.
new aws.vpc.SecurityGroupIngressRule("everything-v6", { securityGroupId: group.id, ipProtocol: "-1", cidrIpv6: "::/0" });

// control-1: cloud-config with no TLS (hafen-tls), an admin token, a private key and a
// password (hafen-no-plaintext-secrets), a password user and no SSH key
// (hafen-ssh-keys-only), a service without ExecStart (hafen-units-lint), 1 GiB of memory
// (hafen-control-memory).
const settings1 = JSON.stringify({ role: "control", discovery: publicToken(1), store: "etcd", launch });
const control1 = `#cloud-config
users:
  - name: ops
    groups: [sudo]
    passwd: $6$saltsalt$JcVDtuB6d1BHhCd5RPBh8g8xX/1CbY8EU2PN0MTaj2/Mypw4P./C6dN4j0HALhzBDTocyW1Jm.gYaTPjFGCV40
write_files:
  - path: /etc/hafen/machine.json
    permissions: "0600"
    content: '${settings1}'
  - path: /etc/hafen/admin-token
    permissions: "0600"
    content: ${adminToken}
  - path: /etc/hafen/tls/server-key.pem
    permissions: "0600"
    content: |
${serverKey.split("\n").map((l) => `      ${l}`).join("\n")}
coreos:
  units:
    - name: app.service
      command: start
      content: |
        [Service]
        Type=simple
        ExecStop=/usr/bin/docker stop app
`;
new aws.ec2.Instance("control-1", {
  ami: "ami-0123456789abcdef0",
  instanceType: "t3.micro",
  availabilityZone: "eu-central-1a",
  vpcSecurityGroupIds: [group.id],
  userData: control1,
  tags: tags("control"),
});

// control-2: Ignition with TLS and a key pair, but over EC2's 16 KiB (hafen-user-data-size)
// and on another discovery token than control-1.
const dataUrl = (text: string) => `data:,${encodeURIComponent(text)}`;
const settings2 = JSON.stringify({ role: "control", discovery: publicToken(2), store: "etcd", launch, tls: { caFile: "/etc/hafen/ca.pem", certFile: "/etc/hafen/server.pem", keyFile: "/etc/hafen/server-key.pem" } });
const control2 = JSON.stringify({
  ignition: { version: "3.3.0" },
  storage: {
    files: [
      { path: "/etc/hafen/machine.json", mode: 384, contents: { source: dataUrl(settings2) } },
      { path: "/opt/assets/motd.txt", mode: 420, contents: { source: dataUrl("Welcome to Hafen.\n".repeat(1000)) } },
    ],
  },
});
new aws.ec2.Instance("control-2", {
  ami: "ami-0123456789abcdef0",
  instanceType: "m6i.large",
  availabilityZone: "eu-central-1a",
  keyName: "ops",
  vpcSecurityGroupIds: [group.id],
  userData: control2,
  tags: tags("control"),
});

// edge-control: DigitalOcean, one control machine in a production stack
// (hafen-control-count), Ubuntu (hafen-coreos-image), 1 GiB (hafen-control-memory), no
// SSH keys (hafen-ssh-keys-only).
new digitalocean.Droplet("edge-control", {
  image: "ubuntu-22-04-x64",
  size: "s-1vcpu-1gb",
  region: "fra1",
  tags: ["hafen-role-control", "hafen-cluster-edge"],
});

// hafen-no-public-cluster-ports: etcd from anywhere on DigitalOcean.
new digitalocean.Firewall("edge-fw", {
  tags: ["hafen-cluster-edge"],
  inboundRules: [
    { protocol: "tcp", portRange: "2379-2380", sourceAddresses: ["0.0.0.0/0", "::/0"] },
    { protocol: "tcp", portRange: "22", sourceAddresses: ["203.0.113.0/24"] },
  ],
});

// hafen-no-public-cluster-ports: a Neutron rule without a remote admits everyone.
new openstack.networking.SecGroupRule("boot-open", { direction: "ingress", ethertype: "IPv4", protocol: "tcp", portRangeMin: 7483, portRangeMax: 7483, securityGroupId: "edge-group" });

// edge-worker: OpenStack with an admin password (hafen-ssh-keys-only).
const workerSettings = JSON.stringify({ role: "worker", discovery: `https://discovery.edge.example.com/${"c".repeat(32)}`, store: "etcd", launch, tls: { caFile: "/etc/hafen/ca.pem" } });
new openstack.compute.Instance("edge-worker", {
  imageName: "flatcar-stable",
  flavorName: "m1.tiny",
  keyPair: "ops",
  adminPass: pulumi.secret("correct-horse-battery-staple"),
  metadata: { "hafen:role": "worker", "hafen:cluster": "edge" },
  userData: JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/etc/hafen/machine.json", mode: 384, contents: { source: dataUrl(workerSettings) } }] } }),
});
