// Bundled with external packages to a file outside the repository (the documented
// `--outfile=/tmp/b.js`), require() would look for node_modules next to the bundle only.
// Adding the working directory's node_modules to NODE_PATH (re-read by _initPaths, an
// old and stable Node internal) lets `node /tmp/b.js` run from the repository root.
// Imported first by bench/store.ts so it runs before any package is required.
import Module from "node:module";
import { delimiter, join } from "node:path";

const here = join(process.cwd(), "node_modules");
process.env.NODE_PATH = [process.env.NODE_PATH, here].filter(Boolean).join(delimiter);
(Module as unknown as { _initPaths(): void })._initPaths();
