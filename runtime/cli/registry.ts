// Every CLI command, in the order `hafen help` lists them. Adding a command: create
// runtime/cli/<name>.ts exporting a Command and list it here.
import type { Command } from "./command";
import { configRender } from "./config-render";
import { discoveryServe } from "./discovery-serve";
import { discoveryNew } from "./discovery-new";
import { unitLint } from "./unit-lint";
import { server } from "./server";
import { agent } from "./agent";
import { etcdEnv } from "./etcd-env";
import { localUpCommand } from "./local-up";
import { localStatusCommand } from "./local-status";
import { localDownCommand } from "./local-down";
import { localKillCommand } from "./local-kill";
import { localStartCommand } from "./local-start";
import { localBoot } from "./local-boot";
import { listMachines } from "./list-machines";
import { listUnits } from "./list-units";
import { listUnitFiles } from "./list-unit-files";
import { submit } from "./submit";
import { load } from "./load";
import { start } from "./start";
import { stop } from "./stop";
import { unload } from "./unload";
import { destroy } from "./destroy";
import { status } from "./status";
import { cat } from "./cat";
import { journal } from "./journal";
import { bootServe } from "./boot-serve";
import { bootCheck } from "./boot-check";

export const commands: readonly Command[] = [
  discoveryServe,
  discoveryNew,
  unitLint,
  configRender,
  server,
  agent,
  etcdEnv,
  localUpCommand,
  localStatusCommand,
  localDownCommand,
  localKillCommand,
  localStartCommand,
  localBoot,
  listMachines,
  listUnits,
  listUnitFiles,
  submit,
  load,
  start,
  stop,
  unload,
  destroy,
  status,
  cat,
  journal,
  bootServe,
  bootCheck,
];
