// hafen-coreos-image (advisory): machines boot a CoreOS-family OS. Hafen's boot configs
// are coreos-cloudinit cloud-config and Ignition, and the runtime runs in containers
// that Flatcar and Fedora CoreOS ship engines for; another OS may ignore the config.
// Only image *names* can be judged: AMI ids, DigitalOcean numeric ids and OpenStack
// image UUIDs say nothing about the OS and are not flagged (list known ones in
// allowedImages to make that explicit).
import { defineConfig, regexProblem, stringsField } from "../core/config";
import { machineOf } from "../core/machines";
import { label, resourcePolicy } from "../core/policy";
import { MACHINE_TYPES } from "../core/types";
import { UNKNOWN } from "../core/values";

const COREOS_FAMILY = /flatcar|fedora[-_ .]?coreos|\bfcos\b|rhcos|\bcoreos\b/i;

/** Ids that carry no name: AMI ids, numeric ids, UUIDs. */
const OPAQUE_ID = /^(?:ami-[0-9a-f]{8,17}|\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

const config = defineConfig({
  allowedImages: stringsField([], "Images accepted as CoreOS-family whatever their name (exact ids or names)."),
  imagePatterns: stringsField([], "Extra regular expressions for CoreOS-family image names.", regexProblem),
});

export const coreosImage = resourcePolicy({
  name: "hafen-coreos-image",
  description: "Machines boot Flatcar Container Linux or Fedora CoreOS.",
  enforcementLevel: "advisory",
  remediationSteps: "Use a Flatcar or Fedora CoreOS image (or list a custom build in allowedImages).",
  config,
  types: MACHINE_TYPES,
  check: (r, c) => {
    const image = machineOf(r.type, r.props)?.image;
    if (!image || image.value === UNKNOWN) return [];
    const name = image.value;
    if (OPAQUE_ID.test(name) || c.allowedImages.includes(name)) return [];
    if (COREOS_FAMILY.test(name) || c.imagePatterns.some((p) => new RegExp(p, "i").test(name))) return [];
    return [`${label(r)} ${image.field}: image "${name}" does not look like Flatcar or Fedora CoreOS; Hafen's boot configs (cloud-config, Ignition) and container launch target those. Use a Flatcar or Fedora CoreOS image, or list "${name}" in allowedImages if it is one.`];
  },
});
