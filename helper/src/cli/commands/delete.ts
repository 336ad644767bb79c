import { deleteVm } from "../../lima/operations";
import { vmActionCommand } from "../vmAction";

export const deleteCommand = vmActionCommand({
  name: "delete",
  summary: "Delete a VM and its disk",
  withForce: "also delete a running VM (it is killed first)",
  done: "NAME is deleted.",
  operation: (l, name, force, r, signal) => deleteVm(l, name, { force }, r, signal),
});
