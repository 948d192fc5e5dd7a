// The public face of the unit layer. Everything not listed here is internal and may change.
export type { UnitFile, Section, Entry, Assignment, Comment, Blank, Trivia } from "./model";
export { EMPTY_UNIT, assignmentsOf, listValues, lastValue, withoutPositions } from "./model";

export { parseUnit, MAX_PROBLEMS } from "./parse";
export { serializeUnit, validateUnit } from "./serialize";
export { decodeUnitBytes } from "./decode";
export { effectiveValue, LINE_MAX_BYTES, FILE_MAX_BYTES } from "./syntax";

export type { UnitName, UnitType } from "./names";
export { parseUnitName, instantiate, templateOf, UNIT_TYPES, TEMPLATE_TYPES, UNIT_NAME_MAX } from "./names";

export type { FleetOptions, FleetOption } from "./fleet";
export { parseFleetOptions, FLEET_SECTION, FLEET_KEYS } from "./fleet";
export type { Glob } from "./glob";
export { compileGlob, globMatches, matchGlob } from "./glob";
export { expandSpecifiers } from "./specifiers";

export type { UnitOption } from "./options";
export { toOptions, fromOptions, readOptionList } from "./options";
export { canonicalText, hashOptions, hashUnit, shortHash } from "./hash";

export { lintUnit, lintUnitFile } from "./lint";

export type { UnitProblem, UnitProblemCode, Severity, Result } from "./problems";
export { formatProblem, severityOf, isError } from "./problems";
