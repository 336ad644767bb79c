// Every `nixlima` subcommand, in the order `nixlima --help` lists them.
import type { CliCommand } from "../command";
import { auditCommand } from "./audit";
import { autostartCommand } from "./autostart";
import { cloneCommand, forkCommand, renameCommand } from "./copies";
import { protectCommand, unprotectCommand } from "./protect";
import { resizeCommand } from "./resize";
import { snapshotCommand } from "./snapshot";
import { buildCommand } from "./build";
import { createCommand } from "./create";
import { deleteCommand } from "./delete";
import { dispatchCommand } from "./dispatch";
import { doctorCommand } from "./doctor";
import { fleetCommand } from "./fleet";
import { hardenCommand } from "./harden";
import { listCommand } from "./list";
import { restartCommand } from "./restart";
import { shellCommand } from "./shell";
import { sshConfigCommand } from "./sshConfig";
import { startCommand } from "./start";
import { stopCommand } from "./stop";
import { taskCommand } from "./task";
import { templatesCommand } from "./templates";

export const commands: CliCommand[] = [
  listCommand,
  templatesCommand,
  createCommand,
  startCommand,
  stopCommand,
  restartCommand,
  deleteCommand,
  cloneCommand,
  renameCommand,
  resizeCommand,
  protectCommand,
  unprotectCommand,
  snapshotCommand,
  forkCommand,
  autostartCommand,
  shellCommand,
  sshConfigCommand,
  buildCommand,
  dispatchCommand,
  taskCommand,
  fleetCommand,
  auditCommand,
  hardenCommand,
  doctorCommand,
];
