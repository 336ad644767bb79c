// Where "Open in Remote-SSH" goes: the VM's ssh host and the folder to open in it. Pure, so the
// URI is tested without VS Code.
import type { Vm } from "../../../helper/src/protocol";
import { exposesHome } from "../../../helper/src/shared/homeMounts";

export interface RemoteTarget {
  authority: string;
  folder: string;
}

/**
 * The project folder's mount point in the guest when the VM has one (a mount that is not the
 * home folder, writable ones first), else the guest user's home; a per-VM setting wins.
 */
export function remoteTarget(vm: Vm, hostHome: string, overrides: Record<string, string> = {}): RemoteTarget {
  const project = [...vm.mounts]
    .filter((m) => !exposesHome(m.location, hostHome))
    .sort((a, b) => Number(b.writable) - Number(a.writable))[0];
  const folder = overrides[vm.name] ?? project?.mountPoint ?? vm.guestHome ?? "/";
  return { authority: `ssh-remote+${vm.hostname}`, folder: folder.startsWith("/") ? folder : `/${folder}` };
}

/** `vscode-remote://ssh-remote+lima-NAME/folder`, as Remote-SSH expects it. */
export function remoteUriString(t: RemoteTarget): string {
  return `vscode-remote://${t.authority}${t.folder.split("/").map(encodeURIComponent).join("/")}`;
}
