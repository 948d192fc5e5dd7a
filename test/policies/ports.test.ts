// hafen-no-public-cluster-ports and hafen-no-public-ssh over every firewall flavour.
import { publicClusterPorts, publicSsh } from "../../policies/all";
import { checkResource, UNKNOWN_ARRAY, UNKNOWN_NUMBER, UNKNOWN_STRING } from "./support";
import { awsIngressRule, awsSecurityGroup, awsSecurityGroupRule, doFirewall, osComputeSecGroup, osSecGroupRule, T } from "./fixtures";

describe("hafen-no-public-cluster-ports", () => {
  const check = (type: string, props: Record<string, unknown>, config?: Record<string, unknown>) => checkResource(publicClusterPorts, type, props, { name: "sg", ...(config && { config }) });

  it("flags an AWS security group whose inline rule covers etcd from 0.0.0.0/0", async () => {
    const sg = awsSecurityGroup({ ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }, { protocol: "tcp", fromPort: 2370, toPort: 2390, cidrBlocks: ["10.0.0.0/16", "0.0.0.0/0"] }] });
    expect(await check(T.awsSecurityGroup, sg)).toEqual([
      'aws:ec2/securityGroup:SecurityGroup "sg" ingress[1]: tcp, ports 2370-2390 from 0.0.0.0/0 exposes etcd-client (2379), etcd-peer (2380) to the whole internet. Set cidrBlocks/ipv6CidrBlocks (or securityGroups) to the cluster\'s private network (e.g. 10.0.0.0/16) or the pools\' addresses; only the discovery service (7482) may be public.',
    ]);
  });

  it("passes the same group opened to the private network only, and the public discovery port", async () => {
    const sg = awsSecurityGroup({ ingress: [{ protocol: "tcp", fromPort: 2379, toPort: 2380, cidrBlocks: ["10.0.0.0/16"] }, { protocol: "tcp", fromPort: 7482, toPort: 7482, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }] });
    expect(await check(T.awsSecurityGroup, sg)).toEqual([]);
    expect(await check(T.awsDefaultSecurityGroup, sg)).toEqual([]);
  });

  it("treats protocol -1 as every port whatever fromPort/toPort say", async () => {
    const sg = awsSecurityGroup({ ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }] });
    const [m] = await check(T.awsDefaultSecurityGroup, sg);
    expect(m).toMatch(/^aws:ec2\/defaultSecurityGroup:DefaultSecurityGroup "sg" ingress\[0\]: all protocols, all ports from ::\/0 exposes etcd-client \(2379\), etcd-peer \(2380\), hafen-api \(7480\), hafen-agent \(7481\), hafen-boot \(7483\)/);
  });

  it("flags standalone AWS rules (securityGroupRule, vpc ingress rule) and ignores egress", async () => {
    const rule = awsSecurityGroupRule({ type: "ingress", protocol: "tcp", fromPort: 7480, toPort: 7480, cidrBlocks: ["0.0.0.0/0"], securityGroupId: "sg-1" });
    expect(await check(T.awsSecurityGroupRule, rule)).toEqual([expect.stringMatching(/^aws:ec2\/securityGroupRule:SecurityGroupRule "sg": tcp, port 7480 from 0\.0\.0\.0\/0 exposes hafen-api \(7480\)/)]);
    expect(await check(T.awsSecurityGroupRule, { ...rule, type: "egress" })).toEqual([]);
    const v6 = awsIngressRule({ securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 7481, toPort: 7481, cidrIpv6: "::/0" });
    expect(await check(T.awsIngressRule, v6)).toEqual([expect.stringMatching(/SecurityGroupIngressRule "sg": tcp, port 7481 from ::\/0 exposes hafen-agent \(7481\).*Set cidrIpv4\/cidrIpv6/)]);
    expect(await check(T.awsIngressRule, awsIngressRule({ securityGroupId: "sg-1", ipProtocol: "-1", cidrIpv4: "10.1.0.0/16" }))).toEqual([]);
    expect(await check(T.awsIngressRule, awsIngressRule({ securityGroupId: "sg-1", ipProtocol: "udp", fromPort: 2379, toPort: 2379, cidrIpv4: "0.0.0.0/0" }))).toEqual([]);
  });

  it("flags DigitalOcean inbound rules and skips deny rules", async () => {
    const fw = doFirewall({ inboundRules: [{ protocol: "tcp", portRange: "2379", sourceAddresses: ["0.0.0.0/0", "::/0"] }, { protocol: "tcp", portRange: "2380", sourceAddresses: ["10.10.0.0/16"] }] });
    expect(await check(T.doFirewall, fw)).toEqual([
      'digitalocean:index/firewall:Firewall "sg" inboundRules[0]: tcp, port 2379 from 0.0.0.0/0, ::/0 exposes etcd-client (2379) to the whole internet. Set sourceAddresses to the cluster\'s private network (e.g. 10.0.0.0/16) or the pools\' addresses; only the discovery service (7482) may be public.',
    ]);
    expect(await check(T.doFirewall, doFirewall({ inboundRules: [{ protocol: "tcp", portRange: "1-65535", sourceAddresses: ["0.0.0.0/0"], action: "deny" }] }))).toEqual([]);
    expect(await check(T.doFirewall, doFirewall({ inboundRules: [{ protocol: "tcp", portRange: "all", sourceAddresses: ["0.0.0.0/0"] }] }))).toHaveLength(1);
  });

  it("flags OpenStack rules, including a rule with no remote at all (Neutron: from anywhere)", async () => {
    const open = osSecGroupRule({ direction: "ingress", ethertype: "IPv4", protocol: "tcp", portRangeMin: 7483, portRangeMax: 7483, remoteIpPrefix: "0.0.0.0/0", securityGroupId: "g" });
    expect(await check(T.osSecGroupRule, open)).toEqual([expect.stringMatching(/^openstack:networking\/secGroupRule:SecGroupRule "sg": tcp, port 7483 from 0\.0\.0\.0\/0 exposes hafen-boot \(7483\).*Set remoteIpPrefix \(or remoteGroupId\)/)]);
    const noRemote = osSecGroupRule({ direction: "ingress", ethertype: "IPv6", securityGroupId: "g" });
    expect(await check(T.osSecGroupRule, noRemote)).toEqual([expect.stringMatching(/all protocols, all ports from ::\/0 exposes etcd-client/)]);
    expect(await check(T.osSecGroupRule, { ...noRemote, remoteGroupId: "other-group" })).toEqual([]);
    expect(await check(T.osSecGroupRule, { ...open, direction: "egress" })).toEqual([]);
    const legacy = osComputeSecGroup({ description: "d", rules: [{ ipProtocol: "tcp", fromPort: 2380, toPort: 2380, cidr: "0.0.0.0/0" }] });
    expect(await check(T.osComputeSecGroup, legacy)).toEqual([expect.stringMatching(/^openstack:compute\/secGroup:SecGroup "sg" rules\[0\]: tcp, port 2380 from 0\.0\.0\.0\/0 exposes etcd-peer/)]);
  });

  it("takes the port list from config, and refuses a bad one with the field and what is accepted", async () => {
    const rule = awsSecurityGroupRule({ type: "ingress", protocol: "tcp", fromPort: 9000, toPort: 9000, cidrBlocks: ["0.0.0.0/0"], securityGroupId: "sg-1" });
    expect(await check(T.awsSecurityGroupRule, rule)).toEqual([]);
    expect(await check(T.awsSecurityGroupRule, rule, { ports: { "etcd-client": 9000 } })).toEqual([expect.stringMatching(/exposes etcd-client \(9000\)/)]);
    expect(await check(T.awsSecurityGroupRule, rule, { ports: { api: "7480" } })).toEqual([
      'config hafen-no-public-cluster-ports.ports.api: "7480" is not accepted; expected an integer from 1 to 65535',
    ]);
    expect(await check(T.awsSecurityGroupRule, rule, { ports: [2379] })).toEqual([
      'config hafen-no-public-cluster-ports.ports: [2379] is not accepted; expected a mapping of names to integers from 1 to 65535, e.g. {"etcd-client":2379,"etcd-peer":2380,"hafen-api":7480,"hafen-agent":7481,"hafen-boot":7483}',
    ]);
    expect(await check(T.awsSecurityGroupRule, rule, { portz: {} })).toEqual([expect.stringMatching(/^config hafen-no-public-cluster-ports.portz: unknown setting; accepted: ports, enforcementLevel$/)]);
  });

  it("skips what is unknown during preview and still judges the known rules", async () => {
    const sg = { ingress: [{ protocol: "tcp", fromPort: 2379, toPort: 2379, cidrBlocks: UNKNOWN_ARRAY }, { protocol: "tcp", fromPort: UNKNOWN_NUMBER, toPort: 2380, cidrBlocks: ["0.0.0.0/0"] }, { protocol: "tcp", fromPort: 7480, toPort: 7480, cidrBlocks: [UNKNOWN_STRING, "0.0.0.0/0"] }] };
    expect(await check(T.awsSecurityGroup, sg)).toEqual([expect.stringMatching(/ingress\[2\]: tcp, port 7480 from 0\.0\.0\.0\/0 exposes hafen-api/)]);
    expect(await check(T.awsSecurityGroup, { ingress: UNKNOWN_ARRAY })).toEqual([]);
  });

  it("ignores garbage rules the provider itself would refuse, and other resource types", async () => {
    const garbage = { ingress: [null, 5, "x", { protocol: "tcp", fromPort: "a", toPort: [], cidrBlocks: "0.0.0.0/0" }, { protocol: "tcp", fromPort: 2380, toPort: 2379, cidrBlocks: ["0.0.0.0/0"] }, { protocol: "tcp", fromPort: 2379, toPort: 2379, cidrBlocks: ["not-a-cidr", 7] }] };
    expect(await check(T.awsSecurityGroup, garbage)).toEqual([]);
    expect(await check(T.doFirewall, { inboundRules: [{ protocol: "tcp", portRange: "22,2379", sourceAddresses: ["0.0.0.0/0"] }] })).toEqual([]);
    expect(await check("aws:s3/bucket:Bucket", { ingress: [{ protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }] })).toEqual([]);
  });
});

describe("hafen-no-public-ssh", () => {
  it("flags SSH from the world and passes SSH from an admin network", async () => {
    const world = awsSecurityGroup({ ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] });
    expect(await checkResource(publicSsh, T.awsSecurityGroup, world, { name: "ssh" })).toEqual([
      'aws:ec2/securityGroup:SecurityGroup "ssh" ingress[0]: port 22 from 0.0.0.0/0 lets anyone reach SSH (port 22). Set cidrBlocks/ipv6CidrBlocks (or securityGroups) to your administrators\' addresses or a bastion host.',
    ]);
    const admins = awsSecurityGroup({ ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["203.0.113.0/24"] }] });
    expect(await checkResource(publicSsh, T.awsSecurityGroup, admins)).toEqual([]);
    expect(publicSsh.enforcementLevel).toBe("advisory");
  });

  it("uses the configured port", async () => {
    const fw = doFirewall({ inboundRules: [{ protocol: "tcp", portRange: "2222", sourceAddresses: ["::/0"] }] });
    expect(await checkResource(publicSsh, T.doFirewall, fw)).toEqual([]);
    expect(await checkResource(publicSsh, T.doFirewall, fw, { config: { sshPort: 2222 } })).toEqual([expect.stringMatching(/inboundRules\[0\]: port 2222 from ::\/0 lets anyone reach SSH \(port 2222\)/)]);
    expect(await checkResource(publicSsh, T.doFirewall, fw, { config: { sshPort: 0 } })).toEqual(["config hafen-no-public-ssh.sshPort: 0 is not accepted; expected an integer from 1 to 65535 (default 22)"]);
  });
});
