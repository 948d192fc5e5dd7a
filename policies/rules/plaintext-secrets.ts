// hafen-no-plaintext-secrets (mandatory): no private key, long-lived token or password in
// user data or unit files. User data is not a vault: anything on the machine that can
// reach the metadata service reads it, and so does anyone allowed to describe the
// instance. Making it a Pulumi secret protects only the state file. Keys are issued after
// boot (the agent's CSR) or read from the cloud's secret store; the short-lived bootstrap
// token (hfb_…) is the one credential user data may carry (design.md "Secrets at boot").
import { fromOptions, serializeUnit } from "../../units";
import { defineConfig, regexProblem, stringsField } from "../core/config";
import { unitResource } from "../core/hafen-components";
import { inspect } from "../core/inspect";
import { machineOf } from "../core/machines";
import { label, resourcePolicy, type ResourceView } from "../core/policy";
import { configSecrets, type Located } from "../core/scan";
import { KIND_TEXT, scanText, type SecretKind } from "../core/secrets";
import { MACHINE_TYPES, TYPES } from "../core/types";

const FIX: Readonly<Record<SecretKind, string>> = {
  "private-key": "issue keys after boot (the agent sends a CSR to the servers) or read them from the cloud's secret store with the machine's identity",
  "admin-token": "never give a machine an admin token; pass the short-lived bootstrap token (hfb_…) and let the machine register",
  "machine-token": "machine tokens are issued at registration; pass the short-lived bootstrap token (hfb_…) instead",
  password: "use SSH keys for logins, and have services read passwords from the cloud's secret store at start",
  "password-hash": "use SSH keys (a hash in user data can be cracked offline)",
  custom: "move the value to the cloud's secret store",
};

const config = defineConfig({
  extraPatterns: stringsField([], "Extra regular expressions (JavaScript syntax) for secrets to flag, e.g. \"AKIA[0-9A-Z]{16}\".", regexProblem),
});

function describe(r: ResourceView, field: string, f: Located, what: string): string {
  return `${label(r)} ${field} ${f.where}: ${KIND_TEXT[f.kind]} (${f.hint}) in plain text ${what}; ${FIX[f.kind]}.`;
}

function unitFindings(r: ResourceView, custom: readonly RegExp[]): string[] {
  const u = unitResource(r.name, r.props);
  const what = "in a unit file (the Hafen API stores it and `hafen cat` shows it)";
  switch (u.kind) {
    case "contents":
      return scanText(u.contents, custom).map((f) => describe(r, "contents", { ...f, where: `line ${f.line}` }, what));
    case "options": {
      const model = fromOptions(u.options);
      const text = model.ok ? serializeUnit(model.value) : u.options.map((o) => `${o.name}=${o.value}`).join("\n");
      return scanText(text, custom).map((f) => describe(r, "options", { ...f, where: `line ${f.line}` }, what));
    }
    case "invalid":
    case "unknown":
      return [];
    default: {
      const _never: never = u;
      return _never;
    }
  }
}

export const plaintextSecrets = resourcePolicy({
  name: "hafen-no-plaintext-secrets",
  description: "No private key, long-lived Hafen token (hfa_, hfm_) or password in user data or unit files; a short-lived bootstrap token (hfb_) is allowed.",
  enforcementLevel: "mandatory",
  remediationSteps: "Issue keys after boot (CSR) or read them from the cloud's secret store; pass only the bootstrap token in user data.",
  config,
  types: [...MACHINE_TYPES, TYPES.hafenUnit],
  check: (r, c) => {
    const custom = c.extraPatterns.map((p) => new RegExp(p));
    if (r.type === TYPES.hafenUnit) return unitFindings(r, custom);
    const m = machineOf(r.type, r.props);
    if (!m || m.userData.state !== "known") return [];
    const { field, value, given } = m.userData;
    return configSecrets(inspect(value, given), custom).map((f) => describe(r, field, f, "in user data (readable through the metadata service)"));
  },
});
