// Where Lima writes a VM's ssh settings (`Host lima-NAME`, its port and key): the file every ssh
// nixlima runs or shows is pointed at with -F.
import type { Vm } from "../protocol";

/** What Lima reports, else `<instance dir>/ssh.config` (Lima leaves it empty for a VM never started). */
export function limaSshConfigPath(vm: Pick<Vm, "dir"> & Partial<Pick<Vm, "sshConfigFile">>): string {
  return vm.sshConfigFile || `${vm.dir}/ssh.config`;
}
