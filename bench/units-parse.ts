// Throughput of the unit layer on realistic unit files, against a same-run baseline:
// splitting the same texts into lines and finding each '=' (the least any parser must do).
// Run: npx esbuild bench/units-parse.ts --bundle --platform=node --outfile=dist/bench-units.js && node dist/bench-units.js
import { hashUnit, lintUnit, parseUnit, serializeUnit, type UnitFile } from "../units";

export async function main(): Promise<void> {

  const UNITS = 2000;
  const ROUNDS = 5;

  function unitText(i: number): string {
    return [
      `# generated unit ${i}`,
      "[Unit]",
      `Description=Demo web server ${i}`,
      "After=network-online.target",
      "Wants=network-online.target",
      "",
      "[Service]",
      "Environment=PORT=80 MODE=production",
      `ExecStartPre=-/bin/rm -f /run/web-${i}.pid`,
      "ExecStart=/bin/sh -c \\",
      `    'while true; do echo "web@${i}: GET / -> 200"; sleep 2; done'`,
      "Restart=always",
      "RestartSec=1",
      "",
      "[X-Fleet]",
      "Conflicts=web@*.service",
      `MachineMetadata="region=eu-${i % 3}" "disk=ssd"`,
      "",
    ].join("\n");
  }

  function time(label: string, fn: () => void): number {
    fn(); // warm up
    const start = process.hrtime.bigint();
    for (let r = 0; r < ROUNDS; r++) fn();
    const ms = Number(process.hrtime.bigint() - start) / 1e6 / ROUNDS;
    const perSec = Math.round((UNITS / ms) * 1000);
    console.log(`${label.padEnd(28)} ${ms.toFixed(2).padStart(8)} ms / ${UNITS} units  ${String(perSec).padStart(9)} units/s`);
    return ms;
  }

  const texts = Array.from({ length: UNITS }, (_, i) => unitText(i));
  const bytes = texts.reduce((n, t) => n + t.length, 0);
  console.log(`unit layer: ${UNITS} units, ${(bytes / UNITS).toFixed(0)} bytes each, ${ROUNDS} rounds (node ${process.version})`);

  let sink = 0;
  const base = time("baseline: split + indexOf", () => {
    for (const t of texts) for (const line of t.split("\n")) sink += line.indexOf("=");
  });
  const models: UnitFile[] = [];
  const parse = time("parseUnit", () => {
    models.length = 0;
    for (const t of texts) {
      const r = parseUnit(t);
      if (r.ok) models.push(r.value);
    }
  });
  const serialize = time("serializeUnit", () => {
    for (const m of models) sink += serializeUnit(m).length;
  });
  const hash = time("hashUnit (SHA-1)", () => {
    for (const m of models) sink += hashUnit(m).length;
  });
  const lint = time("lintUnit (parse + checks)", () => {
    texts.forEach((t, i) => (sink += lintUnit(`web@${i}.service`, t).length));
  });
  console.log(
    `ratios to baseline: parse ${(parse / base).toFixed(1)}x, serialize ${(serialize / base).toFixed(1)}x, hash ${(hash / base).toFixed(1)}x, lint ${(lint / base).toFixed(1)}x  (sink ${sink % 10})`,
  );

}
