// Unit names as systemd and fleet understand them: `prefix.type`, templates
// `prefix@.type`, instances `prefix@instance.type`. Rules follow systemd's
// unit_name_is_valid(): at most 255 characters, prefix from [A-Za-z0-9:_.\-], the
// instance may also contain '@', and the type must be one fleet schedules (its seven)
// plus `target`.
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
  const instance = stem.slice(at + 1);
  if (instance === "") return ok({ kind: "template", name, prefix, type });
  if (!INSTANCE.test(instance)) {
    return bad(
      `unit name "${excerpt(name)}" has an invalid instance "${excerpt(instance, 40)}"; systemd accepts letters, digits and ":_.\\-@"`,
    );
  }
  return ok({ kind: "instance", name, prefix, instance, type, template: `${prefix}@.${type}` });
}
