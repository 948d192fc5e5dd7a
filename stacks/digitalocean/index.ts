// Three control Droplets and two workers in a VPC of their own. Flatcar is not a stock
// DigitalOcean image: upload it as a custom image and give its id as `image`.
import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import * as hafen from "../../index";
import { cloudSettings, outputsOf } from "../settings";

const config = new pulumi.Config();
const region = config.get("region") ?? "fra1";
const vpc = new digitalocean.Vpc("kai", { region, ipRange: "10.43.0.0/16" });
const shared = { region, image: config.require("image"), vpcUuid: vpc.id };

export const cluster = new hafen.Cluster("kai", {
  ...cloudSettings(config),
  pools: [
    { provider: "digitalocean", name: "control", role: "control", count: 3, size: config.get("controlSize") ?? "s-2vcpu-2gb", ...shared },
    { provider: "digitalocean", name: "workers", role: "worker", count: config.getNumber("workers") ?? 2, size: config.get("workerSize") ?? "s-2vcpu-4gb", ...shared },
  ],
});

export const { endpoints, machines, discoveryUrl, clientConfig } = outputsOf(cluster);
