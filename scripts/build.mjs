// Builds the `hafen` CLI/runtime into dist/hafen.js with esbuild (dependencies stay
// external: they are in node_modules next to the package). With --lib it also compiles
// the library face (index.ts → dist/lib, JS + .d.ts) that `require("hafen")` and Pulumi
// programs load; `npm ci` (prepare) does both, `npm test` only needs the bundle.
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
mkdirSync(resolve(root, "dist"), { recursive: true });
await build({
  entryPoints: [resolve(root, "runtime/cli/bin.ts")],
  outfile: resolve(root, "dist/hafen.js"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});

if (process.argv.includes("--lib")) {
  const tsc = resolve(root, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", resolve(root, "tsconfig.lib.json")], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
