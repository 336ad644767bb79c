// What the dev VM's status bar item says: its name and state, and what a click does.
import type { Job, Vm } from "../../../helper/src/protocol";

export interface DevVmStatusText {
  text: string;
  tooltip: string;
}

export function devVmStatusText(name: string, vm: Vm | undefined, job: Job | undefined): DevVmStatusText {
  if (!vm) return { text: `$(vm-outline) ${name}: missing`, tooltip: `Your dev VM "${name}" does not exist any more. Click to choose another one.` };
  if (job) return { text: `$(loading~spin) ${name}: ${job.progress.stage}`, tooltip: `Your dev VM "${name}" is busy: ${job.request.kind}.` };
  const icon = vm.status === "Running" ? "$(vm-running)" : vm.status === "Stopped" ? "$(vm-outline)" : "$(warning)";
  const click = vm.status === "Running" ? "Click to open it over Remote-SSH." : vm.status === "Stopped" ? "Click to start it and open it over Remote-SSH." : "Click to see it in the explorer.";
  const extras = [vm.protected ? "protected against deletion" : "", vm.startsAtLogin ? "starts at login" : ""].filter(Boolean).join(", ");
  return { text: `${icon} ${name}`, tooltip: `Your dev VM "${name}": ${vm.status}${extras ? ` (${extras})` : ""}. ${click}` };
}
