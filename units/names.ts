// Unit names as systemd and fleet understand them: `prefix.type`, templates
// `prefix@.type`, instances `prefix@instance.type`. Rules follow systemd's
// unit_name_is_valid(): at most 255 characters, prefix from [A-Za-z0-9:_.\-], the
// instance may also contain '@', and the type must be one fleet schedules (its seven)
// plus `target`. Only the types systemd's unit_type_may_template() allows (service,
// socket, target, timer, path) can be templates.
import { excerpt, fail, ok, type Result } from "./problems";

export const UNIT_TYPES = ["service", "socket", "device", "mount", "automount", "timer", "path", "target"] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

export const UNIT_NAME_MAX = 255;

export type UnitName =
  | { readonly kind: "plain"; readonly name: string; readonly prefix: string; readonly type: UnitType }
  | { readonly kind: "template"; readonly name: string; readonly prefix: string; readonly type: UnitType }
  | {
      readonly kind: "instance";
      readonly name: string;
      readonly prefix: string;
      readonly instance: string;
      readonly type: UnitType;
      /** The template this instance is made from, e.g. `web@.service` for `web@1.service`. */
      readonly template: string;
    };

const PREFIX = /^[A-Za-z0-9:_.\\-]+$/;
const INSTANCE = /^[A-Za-z0-9:_.\\@-]+$/;

/** systemd refuses `foo@.mount` and friends: only these types may be templates. */
export const TEMPLATE_TYPES: readonly UnitType[] = ["service", "socket", "target", "timer", "path"];

function isUnitType(s: string): s is UnitType {
  return (UNIT_TYPES as readonly string[]).includes(s);
}

/** Parses and validates a unit name. `file` is only used to position the error. */
export function parseUnitName(name: string, file = name): Result<UnitName> {
  const bad = (message: string) =>
    fail<UnitName>({ code: "invalid-unit-name", file, line: 0, text: excerpt(name), message });
  if (name.length === 0) return bad("unit name is empty; expected e.g. web.service or web@1.service");
  if (name.length > UNIT_NAME_MAX) return bad(`unit name is ${name.length} characters; systemd accepts at most ${UNIT_NAME_MAX}`);
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || dot === name.length - 1) {
    return bad(`unit name "${excerpt(name)}" has no type suffix; expected NAME.TYPE with TYPE one of ${UNIT_TYPES.join(", ")}`);
  }
  const type = name.slice(dot + 1);
  const stem = name.slice(0, dot);
  if (!isUnitType(type)) {
    return fail({
      code: "unknown-unit-type",
      file,
      line: 0,
      text: excerpt(name),
      message: `unit type "${excerpt(type, 40)}" is not supported; expected one of ${UNIT_TYPES.join(", ")}`,
    });
  }
  const at = stem.indexOf("@");
  const prefix = at < 0 ? stem : stem.slice(0, at);
  if (!PREFIX.test(prefix)) {
    return bad(
      `unit name "${excerpt(name)}" has an invalid prefix "${excerpt(prefix, 40)}"; systemd accepts letters, digits and ":_.\\-"`,
    );
  }
  if (at < 0) return ok({ kind: "plain", name, prefix, type });
  if (!TEMPLATE_TYPES.includes(type)) {
    return bad(`unit name "${excerpt(name)}" uses "@" but .${type} units cannot be templates; only ${TEMPLATE_TYPES.join(", ")} can`);
  }
  const instance = stem.slice(at + 1);
  if (instance === "") return ok({ kind: "template", name, prefix, type });
  if (!INSTANCE.test(instance)) {
    return bad(
      `unit name "${excerpt(name)}" has an invalid instance "${excerpt(instance, 40)}"; systemd accepts letters, digits and ":_.\\-@"`,
    );
  }
  return ok({ kind: "instance", name, prefix, instance, type, template: `${prefix}@.${type}` });
}

/**
 * The instance `prefix@instance.type` of a template `prefix@.type`. Fails when the first
 * argument is not a template, the instance has characters systemd refuses, or the
 * result is longer than systemd allows.
 */
export function instantiate(template: string, instance: string): Result<UnitName> {
  const t = parseUnitName(template);
  if (!t.ok) return t;
  if (t.value.kind !== "template") {
    return fail({
      code: "invalid-unit-name",
      file: template,
      line: 0,
      text: excerpt(template),
      message: `"${excerpt(template)}" is not a template; expected NAME@.TYPE, e.g. web@.service`,
    });
  }
  if (instance === "") {
    return fail({
      code: "invalid-unit-name",
      file: template,
      line: 0,
      text: "",
      message: `the instance for ${template} is empty; expected e.g. "1" for ${t.value.prefix}@1.${t.value.type}`,
    });
  }
  return parseUnitName(`${t.value.prefix}@${instance}.${t.value.type}`);
}

/** The template an instance is made from (`web@1.service` → `web@.service`), else undefined. */
export function templateOf(name: string): string | undefined {
  const n = parseUnitName(name);
  return n.ok && n.value.kind === "instance" ? n.value.template : undefined;
}
