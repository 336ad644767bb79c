// The ssh-config API the CLI and the helper daemon use.
export { syncSshConfig, removeSshConfig } from "./sync";
export { sshConfigStatus } from "./status";
export type { HostCheck, RemoveResult, SshConfigRequest, StatusResult, SyncResult } from "./request";
export { vmAlias, type SshVm } from "./vmHosts";
export { defaultNixlimaSshDir, defaultUserSshConfig } from "./paths";
