import fc from "fast-check";
import { formatTimeSpan, parseTimeSpan } from "../../../runtime/executor/timespan";
import { systemdVerify } from "../../support/validators";

// Accepted/refused as systemd 252's `systemd-analyze verify` says for RestartSec=.
const ACCEPTED: readonly [string, number][] = [
  ["5", 5000],
  ["5s", 5000],
  ["500ms", 500],
  ["1min 30s", 90_000],
  ["1min30s", 90_000],
  ["1min30", 90_000],
  ["2 min", 120_000],
  ["5 s 3", 8000],
  ["5 5 5", 15_000],
  [".5", 500],
  ["+5", 5000],
  ["00005", 5000],
  ["1.5min", 90_000],
  ["5us", 0.005],
  ["1µs", 0.001],
  ["1h30", 3_600_000 + 30_000],
  ["1hr", 3_600_000],
  ["2weeks", 1_209_600_000],
  ["3 msec", 3],
  ["5sec3ms", 5003],
  ["1minutes", 60_000],
  ["1m", 60_000],
  ["1M", 2_629_800_000],
  ["1y", 31_557_600_000],
  ["1d1h", 90_000_000],
  ["1 d", 86_400_000],
  ["0", 0],
  ["infinity", Infinity],
];
const REFUSED: readonly string[] = ["", " ", "5.", "inf", "5ss", "5S", "1mins", "0x10", "1,5", "1e3", "-5", "99999999999999999", "5 seconds later", "s", "1min -1"];

describe("systemd time spans", () => {
  test.each(ACCEPTED)("accepts %j as %d ms", (text, ms) => {
    const r = parseTimeSpan(text);
    expect(r).toEqual({ ok: true, value: ms });
  });

  test.each(REFUSED)("refuses %j with a sentence naming the value and the accepted forms", (text) => {
    const r = parseTimeSpan(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/time span|empty|unknown unit|too long/);
    if (!r.ok && text.trim() !== "") expect(r.reason).toContain(text.trim());
  });

  test("agrees with systemd-analyze verify on every example", () => {
    const cases = [...ACCEPTED.map(([t]) => t), ...REFUSED.filter((t) => t.trim() !== "")];
    const units = cases.map((t, i) => ({ name: `span${i}.service`, contents: `[Service]\nExecStart=/bin/true\nRestartSec=${t}\n` }));
    const result = systemdVerify(units);
    cases.forEach((t, i) => {
      const systemdRefused = result.findings.some((f) => f.includes(`span${i}.service:`) && f.includes("Failed to parse"));
      expect({ t, refused: !parseTimeSpan(t).ok }).toEqual({ t, refused: systemdRefused });
    });
  });

  test("formatting then parsing gives the same span (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 31_557_600_000 }), (ms) => {
        expect(parseTimeSpan(formatTimeSpan(ms))).toEqual({ ok: true, value: ms });
      }),
    );
  });

  test("garbage never throws and never yields a negative or NaN span (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const r = parseTimeSpan(s);
        if (r.ok) expect(r.value >= 0 && !Number.isNaN(r.value)).toBe(true);
      }),
    );
  });
});
