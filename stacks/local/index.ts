// A cluster on this computer: no cloud account. `pulumi up -s local`, then
// `pulumi stack output --show-secrets clientConfig > client.json` and
// `hafen --config client.json list-machines`.
import * as pulumi from "@pulumi/pulumi";
import * as hafen from "../../index";
import { outputsOf } from "../settings";

const config = new pulumi.Config();

export const cluster = new hafen.Cluster("local", {
  pools: [{ provider: "local", name: "dev", count: config.getNumber("machines") ?? 3, control: config.getNumber("control") ?? 1 }],
  units: [
    {
      name: "hello.service",
      contents: "[Unit]\nDescription=Say hello every 10 s\n\n[Service]\nExecStart=/bin/sh -c 'while true; do echo hello from %H; sleep 10; done'\n",
    },
  ],
});

export const { endpoints, machines, discoveryUrl, clientConfig } = outputsOf(cluster);
