// hafen-control-zones (advisory): a cluster's control machines are spread over at least
// two availability zones (AWS, OpenStack) or regions (DigitalOcean), so one zone's outage
// does not take etcd's quorum with it. Judged only when every control machine states its
// zone: a machine without one is placed by the provider, which the pack cannot predict.
import { defineConfig, integerField } from "../core/config";
import { clustersOf, isControl, names } from "../core/clusters";
import { stackPolicy, type StackFinding } from "../core/policy";

const config = defineConfig({
  minimumZones: integerField(2, 1, 16, "Distinct zones/regions the control machines must span."),
});

const ZONE_FIELD = { aws: "availabilityZone", digitalocean: "region", openstack: "availabilityZone" } as const;

export const controlZones = stackPolicy({
  name: "hafen-control-zones",
  description: "A cluster's control machines span at least two availability zones or regions.",
  enforcementLevel: "advisory",
  remediationSteps: "Place control machines in different availability zones (AWS/OpenStack) or regions (DigitalOcean).",
  config,
  check: (resources, c) =>
    clustersOf(resources).flatMap((cluster): StackFinding[] => {
      const control = cluster.machines.filter(isControl);
      if (control.length < 2) return [];
      const zones = control.map((m) => (typeof m.machine.zone === "string" ? `${m.machine.cloud}:${m.machine.zone}` : undefined));
      if (zones.some((z) => z === undefined)) return [];
      const distinct = [...new Set(zones)];
      if (distinct.length >= Math.min(c.minimumZones, control.length)) return [];
      const fields = [...new Set(control.map((m) => ZONE_FIELD[m.machine.cloud]))].join("/");
      const urn = cluster.component?.resource.urn;
      return [{ ...(urn && { urn }), message: `cluster "${cluster.name}": its ${control.length} control machines (${names(control)}) are only in ${distinct.map((z) => z!.split(":").slice(1).join(":")).join(", ")}; one zone outage would stop the cluster. Set ${fields} so they span at least ${c.minimumZones} zones.` }];
    }),
});
