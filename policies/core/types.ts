// Type tokens of the resources the pack reads, exactly as the installed providers
// register them (`__pulumiType` in @pulumi/aws 7, @pulumi/digitalocean 4,
// @pulumi/openstack 3). Tokens rather than provider classes: the pack then loads no
// provider SDK (the AWS one alone takes seconds to load).
export const TYPES = {
  awsSecurityGroup: "aws:ec2/securityGroup:SecurityGroup",
  awsDefaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  awsSecurityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  awsIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  awsInstance: "aws:ec2/instance:Instance",
  awsLaunchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  doFirewall: "digitalocean:index/firewall:Firewall",
  doDroplet: "digitalocean:index/droplet:Droplet",
  osSecGroupRule: "openstack:networking/secGroupRule:SecGroupRule",
  osComputeSecGroup: "openstack:compute/secGroup:SecGroup",
  osInstance: "openstack:compute/instance:Instance",
  hafenCluster: "hafen:index:Cluster",
  hafenUnit: "hafen:index:Unit",
} as const;

export const FIREWALL_TYPES: readonly string[] = [
  TYPES.awsSecurityGroup,
  TYPES.awsDefaultSecurityGroup,
  TYPES.awsSecurityGroupRule,
  TYPES.awsIngressRule,
  TYPES.doFirewall,
  TYPES.osSecGroupRule,
  TYPES.osComputeSecGroup,
];

/** Resources that boot one machine each (counted for cluster checks). */
export const INSTANCE_TYPES: readonly string[] = [TYPES.awsInstance, TYPES.doDroplet, TYPES.osInstance];

/** Resources carrying a machine's boot config (instances and AWS launch templates). */
export const MACHINE_TYPES: readonly string[] = [...INSTANCE_TYPES, TYPES.awsLaunchTemplate];
