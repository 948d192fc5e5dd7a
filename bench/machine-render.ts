// Throughput of the machine layer on the example control machine (Hafen units included),
// against a same-run baseline: parsing the machine YAML and stringifying it back with the
// yaml package — the least a YAML-in, YAML-out renderer must do.
// Run: npx esbuild bench/machine-render.ts --bundle --platform=node --outfile=dist/bench-machine.js && node dist/bench-machine.js
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { parseCloudConfig, parseMachineYaml, render, type Machine } from "../machine";

export async function main(): Promise<void> {

  const MACHINES = 500;
  const ROUNDS = 5;

  function time(label: string, fn: () => void): number {
    fn(); // warm up
    const start = process.hrtime.bigint();
    for (let r = 0; r < ROUNDS; r++) fn();
    const ms = Number(process.hrtime.bigint() - start) / 1e6 / ROUNDS;
    const perSec = Math.round((MACHINES / ms) * 1000);
    console.log(`${label.padEnd(30)} ${ms.toFixed(2).padStart(8)} ms / ${MACHINES} machines  ${String(perSec).padStart(8)} machines/s`);
    return ms;
  }

  const example = readFileSync(join(process.cwd(), "examples", "machine.yaml"), "utf8") // run from the repository root (npm run bench);
  // Distinct texts so nothing is cached between machines.
  const texts = Array.from({ length: MACHINES }, (_, i) => example.replace("hostname: control-1", `hostname: control-${i}`));
  console.log(`machine layer: ${MACHINES} machines of ${example.length} bytes YAML, ${ROUNDS} rounds (node ${process.version})`);

  let sink = 0;
  const base = time("baseline: yaml parse+stringify", () => {
    for (const t of texts) sink += stringify(parse(t)).length;
  });
  const machines: Machine[] = [];
  const load = time("parseMachineYaml", () => {
    machines.length = 0;
    for (const t of texts) {
      const r = parseMachineYaml(t);
      if (r.ok) machines.push(r.value);
    }
  });
  const rendered: string[] = [];
  const cloud = time("render cloud-config (aws)", () => {
    rendered.length = 0;
    for (const m of machines) {
      const r = render(m, { format: "cloud-config", provider: "aws" });
      if (r.ok) rendered.push(r.value.text);
    }
  });
  const ign = time("render ignition (aws)", () => {
    for (const m of machines) {
      const r = render(m, { format: "ignition", provider: "aws" });
      if (r.ok) sink += r.value.text.length;
    }
  });
  const back = time("parseCloudConfig", () => {
    for (const t of rendered) sink += parseCloudConfig(t).ok ? 1 : 0;
  });
  if (machines.length !== MACHINES || rendered.length !== MACHINES) throw new Error("bench inputs did not all render");
  console.log(`ratio to baseline: load ${(load / base).toFixed(2)}x, cloud-config ${(cloud / base).toFixed(2)}x, ignition ${(ign / base).toFixed(2)}x, parse back ${(back / base).toFixed(2)}x  (sink ${sink})`);

}
