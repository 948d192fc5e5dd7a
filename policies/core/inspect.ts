// A machine's user data, decoded and read once: several policies look at the same
// config, so results are memoised by value (bounded; a stack has at most a few distinct
// configs per pool).
import { SETTINGS_PATH } from "../../machine";
import { readBootConfig, type BootConfig } from "./boot-config";
import { ROLES, type Role } from "./machines";
import { decodeUserData, type UserData } from "./userdata";

/** The fields of /etc/hafen/machine.json the policies read (machine/README.md). */
export interface HafenSettingsView {
  readonly role?: Role;
  readonly discovery?: string;
  readonly store?: string;
  readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string };
  /** Where the settings file sits in the config, e.g. "write_files[3]". */
  readonly where: string;
}

export interface Inspection {
  readonly userData: UserData;
  readonly boot: BootConfig;
  /** Present when the config writes Hafen's settings (a Hafen machine). */
  readonly settings?: HafenSettingsView;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

const TLS_KEYS = ["caFile", "certFile", "keyFile"] as const;

/** Local machines write the settings under their root: any path ending in SETTINGS_PATH. */
function settingsOf(boot: BootConfig): HafenSettingsView | undefined {
  const file = boot.files.find((f) => f.path === SETTINGS_PATH || f.path.endsWith(SETTINGS_PATH));
  if (!file || file.text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(file.text);
  } catch {
    return { where: file.where };
  }
  if (!isObj(json)) return { where: file.where };
  const role = ROLES.find((r) => r === json["role"]);
  const tlsObj = isObj(json["tls"]) ? json["tls"] : undefined;
  const tls = tlsObj && Object.fromEntries(TLS_KEYS.flatMap((k) => (typeof tlsObj[k] === "string" ? [[k, tlsObj[k]]] : [])));
  const discovery = str(json["discovery"]);
  const store = str(json["store"]);
  return {
    where: file.where,
    ...(role && { role }),
    ...(discovery && { discovery }),
    ...(store && { store }),
    ...(tls && { tls }),
  };
}

const MEMO_MAX = 64;
const memo = new Map<string, Inspection>();

export function inspect(value: string, given: "plain" | "base64"): Inspection {
  const key = `${given}:${value}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const userData = decodeUserData(value, given);
  const boot = readBootConfig(userData);
  const settings = settingsOf(boot);
  const result: Inspection = { userData, boot, ...(settings && { settings }) };
  if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value as string);
  memo.set(key, result);
  return result;
}
