// `nixlima autostart on|off NAME` and `nixlima autostart list`: Lima's own Start at Login.
import { NixlimaError } from "../../errors";
import { setStartAtLogin } from "../../lima/autostart";
import { vmsStartingAtLogin } from "../../lima/autostartPlace";
import { checkVmName } from "../../shared/vmNames";
import { vmOpCommand } from "../vmOpCommand";

export const autostartCommand = vmOpCommand({
  name: "autostart",
  summary: "Start a VM when you log in (Lima's launchd agent or systemd user unit), or stop doing so",
  usage: "nixlima autostart on|off NAME [--verbose] | nixlima autostart list [--json]",
  options: { json: { type: "boolean" } },
  prepare([action, name, ...rest], values) {
    if (action === "list") {
      return {
        run: async (l) => {
          const { supported, vms } = vmsStartingAtLogin(l.env);
          if (values.json) return JSON.stringify(vms);
          if (!supported) return "Start at Login is only available on macOS and Linux.";
          return vms.length === 0 ? "No VM starts at login." : vms.join("\n");
        },
      };
    }
    if (action !== "on" && action !== "off") throw new NixlimaError("usage", `Unknown action ${JSON.stringify(action ?? "")}: use on, off or list.`);
    if (!name || rest.length > 0) throw new NixlimaError("usage", `Give the VM's name: nixlima autostart ${action} NAME.`);
    checkVmName(name);
    const on = action === "on";
    return {
      run: (l, r, s) => setStartAtLogin(l, name, on, r, s),
      done: on ? `VM \`${name}\` starts when you log in.` : `VM \`${name}\` no longer starts when you log in.`,
    };
  },
});
