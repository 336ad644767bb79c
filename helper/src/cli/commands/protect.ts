// `nixlima protect|unprotect NAME`: Lima's guard against deleting a VM by mistake.
import { checkVmName } from "../../shared/vmNames";
import { setProtected } from "../../lima/vmOps";
import { oneName } from "../support";
import { vmOpCommand } from "../vmOpCommand";

function protection(on: boolean) {
  return vmOpCommand({
    name: on ? "protect" : "unprotect",
    summary: on ? "Protect a VM against deletion" : "Allow a protected VM to be deleted again",
    usage: `nixlima ${on ? "protect" : "unprotect"} NAME [--verbose]`,
    prepare(positionals) {
      const name = oneName(positionals);
      checkVmName(name);
      return {
        run: (l, r, s) => setProtected(l, name, on, r, s),
        done: on ? `VM \`${name}\` is protected: delete refuses it until \`nixlima unprotect ${name}\`.` : `VM \`${name}\` can be deleted again.`,
      };
    },
  });
}

export const protectCommand = protection(true);
export const unprotectCommand = protection(false);
