// hafen-ssh-keys-only (mandatory): every machine can be reached with an SSH key, and
// nothing enables password login (user password hashes in the config, OpenStack's
// adminPass, sshd's PasswordAuthentication yes). Keys come from the provider (AWS
// keyName, DigitalOcean sshKeys, OpenStack keyPair) or the boot config
// (ssh_authorized_keys, Ignition sshAuthorizedKeys).
import { defineConfig } from "../core/config";
import { inspect } from "../core/inspect";
import { machineOf, type Cloud } from "../core/machines";
import { label, resourcePolicy } from "../core/policy";
import { MACHINE_TYPES } from "../core/types";
import { UNKNOWN } from "../core/values";

const KEY_FIELD: Readonly<Record<Cloud, string>> = { aws: "keyName", digitalocean: "sshKeys", openstack: "keyPair" };

const SSHD_PASSWORDS = /^\s*PasswordAuthentication\s+yes\b/im;

export const sshKeysOnly = resourcePolicy({
  name: "hafen-ssh-keys-only",
  description: "Every machine has SSH keys and no password login.",
  enforcementLevel: "mandatory",
  remediationSteps: "Attach a key pair or list sshAuthorizedKeys in the machine config; remove passwords.",
  config: defineConfig({}),
  types: MACHINE_TYPES,
  check: (r) => {
    const m = machineOf(r.type, r.props);
    if (!m) return [];
    const out = m.passwordFields.map((f) => `${label(r)} ${f}: sets a login password for the machine; remove it and log in with SSH keys (${KEY_FIELD[m.cloud]}).`);
    const ins = m.userData.state === "known" ? inspect(m.userData.value, m.userData.given) : undefined;
    const field = m.userData.state === "absent" ? "userData" : m.userData.field;
    for (const u of ins?.boot.users ?? []) {
      if (u.passwordHash) out.push(`${label(r)} ${field} ${u.where}: user "${u.name}" gets a password, which allows password login; remove it and list the user's sshAuthorizedKeys instead.`);
    }
    for (const f of ins?.boot.files ?? []) {
      if (f.text && /sshd_config/.test(f.path) && SSHD_PASSWORDS.test(f.text)) out.push(`${label(r)} ${field} ${f.where} (${f.path}): "PasswordAuthentication yes" turns on password login for sshd; remove it (Flatcar and Fedora CoreOS default to no).`);
    }
    const configKeys = ins ? ins.boot.users.some((u) => u.sshKeys.length > 0) : m.userData.state === "unknown" ? UNKNOWN : false;
    if (m.providerKeys === false && configKeys === false) {
      const why = m.cloud === "digitalocean" ? "; DigitalOcean then sets a root password and emails it" : "";
      out.push(`${label(r)}: no SSH key: ${KEY_FIELD[m.cloud]} is not set and the user data lists no ssh_authorized_keys/sshAuthorizedKeys${why}. Set ${KEY_FIELD[m.cloud]} or add keys to the machine config (sshAuthorizedKeys).`);
    }
    return out;
  },
});
