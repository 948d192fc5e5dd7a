// `npm run bench [-- NAME...]`: runs the benchmarks in bench/. Each bench/<name>.ts
// exports `main()`; this bundles a two-line entry that calls it (so benchmarks may
// import each other's helpers without running them) and runs it with node. Without
// names, every benchmark runs in turn. Figures are printed by the benchmarks.
import { build } from "esbuild";
import { readdirSync, mkdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const all = readdirSync(join(root, "bench"))
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
  .map((f) => f.slice(0, -3));
const runnable = [];
for (const name of all) {
  const text = (await import("node:fs")).readFileSync(join(root, "bench", `${name}.ts`), "utf8");
  if (/export async function main\(/.test(text)) runnable.push(name);
}
const wanted = process.argv.slice(2);
for (const w of wanted) {
  if (!runnable.includes(w)) {
    console.error(`bench: no benchmark "${w}"; available: ${runnable.join(", ")}`);
    process.exit(1);
  }
}
mkdirSync(join(root, "dist", "bench"), { recursive: true });
let failed = 0;
for (const name of wanted.length ? wanted : runnable) {
  const outfile = join(root, "dist", "bench", `${name}.js`);
  await build({
    stdin: {
      contents: `import { main } from "./bench/${name}";\nmain().catch((e) => { console.error(e); process.exitCode = 1; });\n`,
      resolveDir: root,
      loader: "ts",
    },
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  console.log(`\n=== bench/${name} ===`);
  const r = spawnSync(process.execPath, [outfile], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
