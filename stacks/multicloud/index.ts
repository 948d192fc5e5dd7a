// Control machines on AWS (etcd stays inside one provider's network), workers on
// DigitalOcean and OpenStack; they reach the control machines' API over HTTPS by public
// address, and each side's firewall admits exactly the other side's addresses.
import * as aws from "@pulumi/aws";
import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import * as hafen from "../../index";
import { cloudSettings, outputsOf } from "../settings";

const config = new pulumi.Config();
const zone = config.get("awsZone") ?? "eu-central-1a";
const tags = { "hafen:cluster": "fleet" };
const vpc = new aws.ec2.Vpc("fleet", { cidrBlock: "10.44.0.0/16", tags });
const gateway = new aws.ec2.InternetGateway("fleet", { vpcId: vpc.id, tags });
const routes = new aws.ec2.RouteTable("fleet", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }], tags });
const subnet = new aws.ec2.Subnet("fleet", { vpcId: vpc.id, cidrBlock: "10.44.0.0/24", availabilityZone: zone, tags });
new aws.ec2.RouteTableAssociation("fleet", { subnetId: subnet.id, routeTableId: routes.id });
const doVpc = new digitalocean.Vpc("fleet", { region: config.get("doRegion") ?? "fra1", ipRange: "10.45.0.0/16" });

export const cluster = new hafen.Cluster("fleet", {
  ...cloudSettings(config),
  pools: [
    { provider: "aws", name: "control", role: "control", count: 3, instanceType: "t3.small", ami: config.require("awsAmi"), vpcId: vpc.id, subnetIds: [subnet.id], availabilityZones: [zone] },
    { provider: "digitalocean", name: "ocean", role: "worker", count: 2, size: "s-2vcpu-4gb", region: config.get("doRegion") ?? "fra1", image: config.require("doImage"), vpcUuid: doVpc.id },
    { provider: "openstack", name: "campus", role: "worker", count: 2, flavorName: "m1.medium", imageName: "flatcar-stable", networkId: config.require("osNetworkId"), floatingIpPool: config.get("osFloatingIpPool") ?? "public" },
  ],
});

export const { endpoints, machines, discoveryUrl, clientConfig } = outputsOf(cluster);
