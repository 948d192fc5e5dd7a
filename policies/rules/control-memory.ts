// hafen-control-memory (advisory): control machines run an etcd member, the Hafen API
// and an agent; below the minimum etcd starts swapping or is OOM-killed under load.
// Memory is looked up from the size name (core/sizes.ts); sizes the table does not
// know are not judged — add them with extraSizes.
import { defineConfig, integerField, integerMapField } from "../core/config";
import { inspect } from "../core/inspect";
import { machineOf } from "../core/machines";
import { label, resourcePolicy } from "../core/policy";
import { memoryMiB } from "../core/sizes";
import { MACHINE_TYPES } from "../core/types";
import { UNKNOWN } from "../core/values";

const config = defineConfig({
  minimumMiB: integerField(2048, 256, 1 << 24, "Least memory for a control (or both) machine, MiB."),
  extraSizes: integerMapField({}, 1, 1 << 24, "Memory (MiB) of sizes the built-in table lacks, by size name, e.g. {\"b2-7\": 7168}."),
});

export const controlMemory = resourcePolicy({
  name: "hafen-control-memory",
  description: "Control machines have at least the configured memory (default 2048 MiB).",
  enforcementLevel: "advisory",
  remediationSteps: "Pick a larger instance type / droplet size / flavor for control machines.",
  config,
  types: MACHINE_TYPES,
  check: (r, c) => {
    const m = machineOf(r.type, r.props);
    if (!m || !m.size || m.size.value === UNKNOWN) return [];
    const role = m.role ?? (m.userData.state === "known" ? inspect(m.userData.value, m.userData.given).settings?.role : undefined);
    if (role !== "control" && role !== "both") return [];
    const mib = memoryMiB(m.cloud, m.size.value, c.extraSizes);
    if (mib === undefined || mib >= c.minimumMiB) return [];
    return [`${label(r)} ${m.size.field}: "${m.size.value}" has ${mib} MiB of memory; a ${role} machine runs etcd, the Hafen API and an agent and needs at least ${c.minimumMiB} MiB. Pick a larger size (or lower minimumMiB for small test clusters).`];
  },
});
