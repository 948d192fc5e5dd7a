// Builds the `hafen` CLI/runtime into dist/hafen.js with esbuild. Dependencies stay
// external here (they are in node_modules next to the package); the self-contained
// machine bundle for cloud machines is a separate target.
import { build } from "esbuild";
import { mkdirSync } from "node:fs";

mkdirSync("dist", { recursive: true });
await build({
  entryPoints: ["runtime/cli/bin.ts"],
  outfile: "dist/hafen.js",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});
