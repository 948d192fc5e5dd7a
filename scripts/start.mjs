// `npm start`: a working local cluster running the example units, in one command.
// Brings up (or reuses) the local cluster in ~/.hafen/local, submits and starts the
// units in examples/units/ — the seed's hello-world unit, a template with three
// instances and a global unit — then prints list-machines and list-units.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const hafen = join(root, "bin", "hafen");

function run(args, { allowFail = false } = {}) {
  const r = spawnSync(process.execPath, [hafen, ...args], { stdio: allowFail ? "pipe" : "inherit", encoding: "utf8" });
  if (r.status !== 0 && !allowFail) {
    console.error(`npm start: \`hafen ${args.join(" ")}\` failed (exit ${r.status})`);
    process.exit(1);
  }
  return r;
}

if (!existsSync(join(root, "dist", "hafen.js"))) run(["help"]); // fails clearly if the build is missing

const status = run(["local", "status", "--json"], { allowFail: true });
const running = status.status === 0 && JSON.parse(status.stdout).machines.some((m) => m.running);
if (running) console.log("Reusing the local cluster already running in ~/.hafen/local");
else run(["local", "up", "--machines", "3"]);

const units = join(root, "examples", "units");
run(["start", join(units, "hello.service"), join(units, "monitor.service")]);
run(["submit", join(units, "web@.service")]);
run(["start", "web@1.service", "web@2.service", "web@3.service"]);
console.log("");
run(["list-machines"]);
console.log("");
run(["list-units"]);
console.log(`
The cluster keeps running in the background. Try:
  node bin/hafen journal hello.service      # the unit's output
  node bin/hafen local kill m2              # a machine dies; its units move
  node bin/hafen local down                 # stop everything`);
