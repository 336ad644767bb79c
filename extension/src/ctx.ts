// The small context every command factory gets, instead of globals.
import type * as vscode from "vscode";
import type { DispatchTerminals } from "./agents/dispatchTerminals";
import type { HelperClient } from "./helperClient";
import type { JobTracker } from "./jobProgress";
import type { VmStore } from "./vmStore";

export interface Ctx {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  helper: HelperClient;
  store: VmStore;
  jobs: JobTracker;
  /** The agent tasks' terminals. */
  tasks: DispatchTerminals;
}
