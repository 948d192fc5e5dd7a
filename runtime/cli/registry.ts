// Every CLI command, in the order `hafen help` lists them. Adding a command: create
// runtime/cli/<name>.ts exporting a Command and list it here.
import type { Command } from "./command";

export const commands: readonly Command[] = [];
