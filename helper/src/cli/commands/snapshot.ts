// `nixlima snapshot create|apply|delete NAME TAG` and `nixlima snapshot list NAME [--json]` (QEMU VMs).
import { NixlimaError } from "../../errors";
import { checkVmName } from "../../shared/vmNames";
import { checkSnapshotTag } from "../../shared/snapshotRules";
import { listSnapshots, snapshotJob } from "../../lima/snapshots";
import { SnapshotJob } from "../../protocol";
import { vmOpCommand } from "../vmOpCommand";

const usage = "nixlima snapshot create|apply|delete NAME TAG [--verbose] | nixlima snapshot list NAME [--json]";
const said = { create: "Saved snapshot", apply: "Went back to snapshot", delete: "Deleted snapshot" } as const;

export const snapshotCommand = vmOpCommand({
  name: "snapshot",
  summary: "Save, restore, list or delete snapshots of a QEMU VM",
  usage,
  options: { json: { type: "boolean" } },
  prepare([action, name, tag, ...rest], values) {
    if (action === "list") {
      if (!name || tag !== undefined) throw new NixlimaError("usage", "Give the VM's name: nixlima snapshot list NAME.");
      checkVmName(name);
      return {
        run: async (l, _r, s) => {
          const snaps = await listSnapshots(l, name, s);
          if (values.json) return JSON.stringify(snaps);
          return snaps.length === 0 ? `VM \`${name}\` has no snapshots.` : snaps.map((x) => `${x.tag}${x.date ? `  ${x.date}` : ""}`).join("\n");
        },
      };
    }
    const parsed = SnapshotJob.shape.action.safeParse(action);
    if (!parsed.success) throw new NixlimaError("usage", `Unknown snapshot action ${JSON.stringify(action ?? "")}: use create, apply, delete or list.`);
    if (!name || !tag || rest.length > 0) throw new NixlimaError("usage", `Give the VM's name and the snapshot's name: nixlima snapshot ${parsed.data} NAME TAG.`);
    checkVmName(name);
    checkSnapshotTag(tag);
    return {
      run: (l, r, s) => snapshotJob(l, name, { action: parsed.data, tag }, r, s),
      done: `${said[parsed.data]} \`${tag}\` of \`${name}\`.`,
    };
  },
});
