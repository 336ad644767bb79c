import { startVm } from "../../lima/operations";
import { vmActionCommand } from "../vmAction";

export const startCommand = vmActionCommand({
  name: "start",
  summary: "Start a VM and wait until it is ready (Ctrl-C stops it again)",
  done: "NAME is running.",
  operation: (l, name, _force, r, signal) => startVm(l, name, r, signal),
});
