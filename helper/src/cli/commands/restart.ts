import { restartVm } from "../../lima/operations";
import { vmActionCommand } from "../vmAction";

export const restartCommand = vmActionCommand({
  name: "restart",
  summary: "Stop a VM and start it again",
  done: "NAME is running.",
  operation: (l, name, _force, r, signal) => restartVm(l, name, r, signal),
});
