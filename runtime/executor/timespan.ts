// systemd time spans (systemd.time(7)), as RestartSec=, TimeoutStopSec= and friends read
// them: one or more `NUMBER[UNIT]` parts, blanks allowed between and inside parts, summed
// ("1min 30s", "1min30", "5 s 3" = 8 s). A part without a unit is in seconds. NUMBER is
// decimal with an optional fraction (".5" yes, "5." no, "1e3" no, "+5" yes). Units are
// case-sensitive ("M" is a month, "m" a minute). "infinity" alone means never.
// Checked against systemd-analyze verify (systemd 252) on every example above.
import { parsed, refused, type Parsed } from "./problems";

const MS_PER: Readonly<Record<string, number>> = {
  usec: 0.001,
  us: 0.001,
  "µs": 0.001, // U+00B5 MICRO SIGN
  "μs": 0.001, // U+03BC GREEK SMALL LETTER MU
  msec: 1,
  ms: 1,
  seconds: 1000,
  second: 1000,
  sec: 1000,
  s: 1000,
  minutes: 60_000,
  minute: 60_000,
  min: 60_000,
  m: 60_000,
  hours: 3_600_000,
  hour: 3_600_000,
  hr: 3_600_000,
  h: 3_600_000,
  days: 86_400_000,
  day: 86_400_000,
  d: 86_400_000,
  weeks: 604_800_000,
  week: 604_800_000,
  w: 604_800_000,
  months: 2_629_800_000, // 30.44 days, as systemd counts
  month: 2_629_800_000,
  M: 2_629_800_000,
  years: 31_557_600_000, // 365.25 days
  year: 31_557_600_000,
  y: 31_557_600_000,
};

// Alternatives in systemd's table order: the first unit that matches wins, which is what
// makes "ms" a millisecond rather than a minute followed by garbage.
const UNIT = /^(seconds|second|sec|s|minutes|minute|min|months|month|M|msec|ms|m|hours|hour|hr|h|days|day|d|weeks|week|w|years|year|y|usec|us|µs|μs)/;
const NUMBER = /^\+?(\d+(?:\.\d+)?|\.\d+)/;
/** systemd keeps spans in a 64-bit µs counter; we refuse what JavaScript cannot count exactly. */
export const MAX_SPAN_MS = Number.MAX_SAFE_INTEGER / 1000;

export const ACCEPTED_SPANS = 'a time span such as "5", "5s", "500ms", "1min 30s" or "infinity"';

/** Parses a span into milliseconds (may be fractional), or Infinity for "infinity". */
export function parseTimeSpan(text: string): Parsed<number> {
  const t = text.trim();
  if (t === "infinity") return parsed(Infinity);
  if (t === "") return refused(`the value is empty; expected ${ACCEPTED_SPANS}`);
  let rest = t;
  let total = 0;
  while (rest !== "") {
    const num = NUMBER.exec(rest);
    if (!num) return refused(`"${t}" is not ${ACCEPTED_SPANS} (stuck at "${rest}")`);
    rest = rest.slice(num[0].length).trimStart();
    const unit = UNIT.exec(rest);
    const factor = unit ? MS_PER[unit[1]!]! : 1000;
    if (unit) rest = rest.slice(unit[0].length).trimStart();
    // A unit must end at a blank or a digit: "5ss" and "1mins" are refused, as systemd does.
    if (unit && rest !== "" && !/^[\d.+]/.test(rest)) return refused(`"${t}" has an unknown unit after "${unit[0]}"; units are us, ms, s, min, h, d, w, M, y and their long forms`);
    total += Number(num[1]) * factor;
    if (total > MAX_SPAN_MS) return refused(`"${t}" is too long; the longest accepted span is about ${Math.floor(MAX_SPAN_MS / 31_557_600_000)} years, or "infinity"`);
  }
  return parsed(total);
}

/** Formats milliseconds the way systemd prints spans ("1min 30s", "500ms", "infinity"). */
export function formatTimeSpan(ms: number): string {
  if (ms === Infinity) return "infinity";
  if (ms === 0) return "0";
  const parts: string[] = [];
  let rest = Math.round(ms * 1000) / 1000;
  for (const [unit, size] of [["y", 31_557_600_000], ["M", 2_629_800_000], ["w", 604_800_000], ["d", 86_400_000], ["h", 3_600_000], ["min", 60_000], ["s", 1000], ["ms", 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n}${unit}`);
      rest -= n * size;
    }
  }
  if (rest > 0) parts.push(`${Math.round(rest * 1000)}us`);
  return parts.join(" ");
}
