// Where the runnable `hafen` lives, for processes a local cluster starts: dist/hafen.js
// of this package (found by walking up to its package.json), run by this node binary.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export function packageRoot(from = __dirname): string {
  let dir = from;
  for (let i = 0; i < 10; i++) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "hafen") return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`cannot find the hafen package above ${from}`);
}

export function hafenScript(): string {
  const script = join(packageRoot(), "dist", "hafen.js");
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` (npm ci does it)`);
  return script;
}
