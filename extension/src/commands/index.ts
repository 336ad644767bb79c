// Registers every command in one place; the Record type makes a missing factory a compile error.
import * as vscode from "vscode";
import type { Ctx } from "../ctx";
import { errorText } from "../jobWords";
import {
  copyClaudeToken,
  createFleet,
  deleteFleet,
  dispatchTask,
  dispatchToFleet,
  hardenVm,
  setCredentials,
  showTaskOutput,
  stopFleet,
  stopTask,
} from "./agentCommands";
import { discardTaskBranch, mergeTaskBranch, reviewTaskBranch } from "../agents/taskBranchCommands";
import { createVm } from "./createVm";
import { doctor, refresh, showOutput } from "./generalCommands";
import type { CommandId } from "./ids";
import { buildImage, createVmFromImage, deleteImage, rebuildVm } from "./imageCommands";
import { connect, openInCurrentWindow, openInNewWindow, removeSshConfig } from "./remoteCommands";
import { openDevVm, setDevVm } from "../devVm";
import { reclaimSpace } from "./reclaimSpace";
import * as vmOps from "./vmOpsCommands";
import { copySshCommand, openTerminal, remove, restart, revealDirectory, showLogs, start, stop } from "./vmCommands";

type Factory = (ctx: Ctx) => (...args: unknown[]) => unknown;

const factories: Record<CommandId, Factory> = {
  "nixlima.refresh": refresh,
  "nixlima.createVm": createVm,
  "nixlima.start": start,
  "nixlima.stop": stop,
  "nixlima.restart": restart,
  "nixlima.delete": remove,
  "nixlima.openInNewWindow": openInNewWindow,
  "nixlima.openInCurrentWindow": openInCurrentWindow,
  "nixlima.connect": connect,
  "nixlima.removeSshConfig": removeSshConfig,
  "nixlima.openTerminal": openTerminal,
  "nixlima.showLogs": showLogs,
  "nixlima.copySshCommand": copySshCommand,
  "nixlima.revealDirectory": revealDirectory,
  "nixlima.showOutput": showOutput,
  "nixlima.doctor": doctor,
  "nixlima.buildImage": buildImage,
  "nixlima.deleteImage": deleteImage,
  "nixlima.createVmFromImage": createVmFromImage,
  "nixlima.rebuildVm": rebuildVm,
  "nixlima.setAgentCredentials": setCredentials,
  "nixlima.copyClaudeToken": copyClaudeToken,
  "nixlima.dispatchTask": dispatchTask,
  "nixlima.dispatchToFleet": dispatchToFleet,
  "nixlima.stopTask": stopTask,
  "nixlima.showTaskOutput": showTaskOutput,
  "nixlima.reviewTask": reviewTaskBranch,
  "nixlima.mergeTask": mergeTaskBranch,
  "nixlima.discardTask": discardTaskBranch,
  "nixlima.createFleet": createFleet,
  "nixlima.stopFleet": stopFleet,
  "nixlima.deleteFleet": deleteFleet,
  "nixlima.hardenVm": hardenVm,
  "nixlima.cloneVm": vmOps.cloneVm,
  "nixlima.renameVm": vmOps.renameVm,
  "nixlima.resizeVm": vmOps.resizeVm,
  "nixlima.protectVm": vmOps.protectVm,
  "nixlima.unprotectVm": vmOps.unprotectVm,
  "nixlima.forkVm": vmOps.forkVm,
  "nixlima.createSnapshot": vmOps.createSnapshot,
  "nixlima.applySnapshot": vmOps.applySnapshot,
  "nixlima.deleteSnapshot": vmOps.deleteSnapshot,
  "nixlima.startAtLoginOn": vmOps.startAtLogin(true),
  "nixlima.startAtLoginOff": vmOps.startAtLogin(false),
  "nixlima.setDevVm": setDevVm,
  "nixlima.openDevVm": openDevVm,
  "nixlima.reclaimSpace": reclaimSpace,
};

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  return Object.entries(factories).map(([id, factory]) => {
    const handler = factory(ctx);
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (err) {
        const message = errorText(err);
        ctx.log.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(message);
        return undefined;
      }
    });
  });
}
