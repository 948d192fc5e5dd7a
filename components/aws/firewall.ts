// The AWS pool's security group and its rules (one resource per rule, so a change to one
// source never rewrites the others). Egress is open: machines pull images, fetch the
// runtime bundle and reach the discovery service; ingress is only what the cluster needs
// (common/firewall.ts).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PeerRule } from "../common/context";
import { PORT_RANGES, ruleName, type PortName, type Rule } from "../common/firewall";

export interface AwsFirewall {
  readonly group: aws.ec2.SecurityGroup;
}

interface RuleSpec {
  readonly name: string;
  readonly port: PortName;
  readonly from: { cidrIpv4?: pulumi.Input<string>; cidrIpv6?: pulumi.Input<string>; referencedSecurityGroupId?: pulumi.Input<string> };
  readonly description: string;
}

function ingress(prefix: string, group: aws.ec2.SecurityGroup, r: RuleSpec, tags: Record<string, string>, parent: pulumi.Resource): aws.vpc.SecurityGroupIngressRule {
  const range = PORT_RANGES[r.port];
  return new aws.vpc.SecurityGroupIngressRule(
    `${prefix}-${r.name}`,
    { securityGroupId: group.id, ipProtocol: "tcp", fromPort: range.from, toPort: range.to, description: r.description, tags, ...r.from },
    { parent },
  );
}

const cidrSource = (cidr: string) => (cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr });

/** The group, open egress, and the rules the pool makes alone (self and CIDR sources). */
export function awsFirewall(prefix: string, vpcId: pulumi.Input<string>, own: readonly Rule[], poolNames: readonly string[], tags: Record<string, string>, parent: pulumi.Resource): AwsFirewall {
  const group = new aws.ec2.SecurityGroup(prefix, { vpcId, description: `Hafen ${prefix}: cluster ports only`, tags: { Name: prefix, ...tags } }, { parent });
  for (const [name, cidrIpv4, cidrIpv6] of [["egress-v4", "0.0.0.0/0", undefined], ["egress-v6", undefined, "::/0"]] as const) {
    new aws.vpc.SecurityGroupEgressRule(
      `${prefix}-${name}`,
      { securityGroupId: group.id, ipProtocol: "-1", ...(cidrIpv4 && { cidrIpv4 }), ...(cidrIpv6 && { cidrIpv6 }), description: "images, runtime bundle, discovery", tags },
      { parent },
    );
  }
  for (const r of own) {
    const from = r.source.kind === "cidr" ? cidrSource(r.source.cidr) : { referencedSecurityGroupId: group.id };
    ingress(prefix, group, { name: ruleName(r, poolNames), port: r.port, from, description: `Hafen ${r.port}` }, tags, parent);
  }
  return { group };
}

/** Rules whose sources are other pools: their group, or each of their public addresses. */
export function awsPeerRules(prefix: string, fw: AwsFirewall, rules: readonly PeerRule[], tags: Record<string, string>, parent: pulumi.Resource): void {
  for (const r of rules) {
    const s = r.source;
    if (s.kind === "group") {
      ingress(prefix, fw.group, { name: `${r.port}-from-${s.name}`, port: r.port, from: { referencedSecurityGroupId: s.ref }, description: `Hafen ${r.port} from pool ${s.name}` }, tags, parent);
    } else {
      s.ips.forEach((ip, i) =>
        ingress(prefix, fw.group, { name: `${r.port}-from-${s.name}-${i + 1}`, port: r.port, from: { cidrIpv4: pulumi.output(ip).apply((a) => `${a}/32`) }, description: `Hafen ${r.port} from ${s.name} machine ${i + 1}` }, tags, parent),
      );
    }
  }
}
