import { stopVm } from "../../lima/operations";
import { vmActionCommand } from "../vmAction";

export const stopCommand = vmActionCommand({
  name: "stop",
  summary: "Shut a VM down",
  withForce: "kill the VM at once instead of shutting it down cleanly",
  done: "NAME is stopped.",
  operation: (l, name, force, r, signal) => stopVm(l, name, { force }, r, signal),
});
