// Every command the extension registers. A test keeps this list and package.json in step.
export const commandIds = [
  "nixlima.refresh",
  "nixlima.createVm",
  "nixlima.start",
  "nixlima.stop",
  "nixlima.restart",
  "nixlima.delete",
  "nixlima.openInNewWindow",
  "nixlima.openInCurrentWindow",
  "nixlima.connect",
  "nixlima.removeSshConfig",
  "nixlima.openTerminal",
  "nixlima.showLogs",
  "nixlima.copySshCommand",
  "nixlima.revealDirectory",
  "nixlima.showOutput",
  "nixlima.doctor",
  "nixlima.buildImage",
  "nixlima.deleteImage",
  "nixlima.createVmFromImage",
  "nixlima.rebuildVm",
] as const;

export type CommandId = (typeof commandIds)[number];
