// One control VM and two workers cloned from a Flatcar template; configs travel in
// guestinfo. The vCenter password is a secret (`pulumi config set --secret vspherePassword`).
import * as pulumi from "@pulumi/pulumi";
import * as hafen from "../../index";
import { cloudSettings, outputsOf } from "../settings";

const config = new pulumi.Config();
const shared = {
  connection: { url: config.require("vsphereUrl"), username: config.require("vsphereUser"), password: config.requireSecret("vspherePassword") },
  datacenter: config.require("datacenter"),
  template: config.get("template") ?? "templates/flatcar",
  resourcePool: config.require("resourcePool"),
};

export const cluster = new hafen.Cluster("dock", {
  ...cloudSettings(config),
  configFormat: "ignition",
  pools: [
    { provider: "vsphere", name: "control", role: "control", count: 1, numCpus: 2, memoryMb: 4096, ...shared },
    { provider: "vsphere", name: "workers", role: "worker", count: config.getNumber("workers") ?? 2, numCpus: 4, memoryMb: 8192, ...shared },
  ],
});

export const { endpoints, machines, discoveryUrl, clientConfig } = outputsOf(cluster);
