// Every CLI command, in the order `hafen help` lists them. Adding a command: create
// runtime/cli/<name>.ts exporting a Command and list it here.
import type { Command } from "./command";
import { configRender } from "./config-render";
import { discoveryServe } from "./discovery-serve";
import { discoveryNew } from "./discovery-new";
import { unitLint } from "./unit-lint";

export const commands: readonly Command[] = [
  discoveryServe,
  discoveryNew,
  unitLint,
  configRender,
];
