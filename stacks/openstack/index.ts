// Three control instances and two workers on an existing OpenStack network, each with a
// floating IP (so operators reach the API from outside).
import * as pulumi from "@pulumi/pulumi";
import * as hafen from "../../index";
import { cloudSettings, outputsOf } from "../settings";

const config = new pulumi.Config();
const shared = {
  networkId: config.require("networkId"),
  imageName: config.get("imageName") ?? "flatcar-stable",
  floatingIpPool: config.get("floatingIpPool") ?? "public",
  ...(config.get("availabilityZone") !== undefined && { availabilityZone: config.require("availabilityZone") }),
};

export const cluster = new hafen.Cluster("pier", {
  ...cloudSettings(config),
  pools: [
    { provider: "openstack", name: "control", role: "control", count: 3, flavorName: config.get("controlFlavor") ?? "m1.small", ...shared },
    { provider: "openstack", name: "workers", role: "worker", count: config.getNumber("workers") ?? 2, flavorName: config.get("workerFlavor") ?? "m1.medium", ...shared },
  ],
});

export const { endpoints, machines, discoveryUrl, clientConfig } = outputsOf(cluster);
