// Three control machines and two workers on EC2, in a VPC of their own: two public
// subnets in two zones. Flatcar's AMI is looked up unless `ami` is set.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as hafen from "../../index";
import { cloudSettings, outputsOf } from "../settings";

const config = new pulumi.Config();
const zones = config.getObject<string[]>("availabilityZones") ?? ["eu-central-1a", "eu-central-1b"];
const tags = { "hafen:cluster": "ahoy" };

const vpc = new aws.ec2.Vpc("ahoy", { cidrBlock: "10.42.0.0/16", enableDnsHostnames: true, tags });
const gateway = new aws.ec2.InternetGateway("ahoy", { vpcId: vpc.id, tags });
const routes = new aws.ec2.RouteTable("ahoy", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }], tags });
const subnets = zones.map((zone, i) => {
  const subnet = new aws.ec2.Subnet(`ahoy-${zone}`, { vpcId: vpc.id, cidrBlock: `10.42.${i}.0/24`, availabilityZone: zone, tags });
  new aws.ec2.RouteTableAssociation(`ahoy-${zone}`, { subnetId: subnet.id, routeTableId: routes.id });
  return subnet;
});

const ami =
  config.get("ami") ??
  aws.ec2.getAmiOutput({ owners: ["075585003325"], mostRecent: true, filters: [{ name: "name", values: ["Flatcar-stable-*-hvm"] }, { name: "architecture", values: ["x86_64"] }] }).id;

const shared = { vpcId: vpc.id, subnetIds: subnets.map((s) => s.id), availabilityZones: zones, ami, region: aws.config.region ?? "eu-central-1" };

export const cluster = new hafen.Cluster("ahoy", {
  ...cloudSettings(config),
  pools: [
    { provider: "aws", name: "control", role: "control", count: 3, instanceType: config.get("controlType") ?? "t3.small", ...shared },
    { provider: "aws", name: "workers", role: "worker", count: config.getNumber("workers") ?? 2, instanceType: config.get("workerType") ?? "t3.medium", ...shared },
  ],
});

export const { endpoints, machines, discoveryUrl, clientConfig } = outputsOf(cluster);
