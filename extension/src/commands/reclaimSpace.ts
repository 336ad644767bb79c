// "Reclaim Space…" (the explorer's title): what can go, with its size on the host; only what the
// user ticks is deleted — VMs through delete jobs, images and Lima's cache through the helper.
import * as vscode from "vscode";
import type { ReclaimItem } from "../../../helper/src/protocol";
import type { Ctx } from "../ctx";
import { formatBytes } from "../tree/format";
import { runJob } from "./runJob";

const DEFAULT_DAYS = 30;

export const reclaimSpace = (ctx: Ctx) => async () => {
  const daysText = await vscode.window.showInputBox({
    title: "Reclaim Space",
    prompt: "Offer stopped VMs that were not started for this many days",
    value: String(DEFAULT_DAYS),
    validateInput: (v) => (Number.isInteger(Number(v)) && Number(v) >= 0 ? undefined : "Enter a whole number of days, 0 or more."),
  });
  if (daysText === undefined) return;
  const items = await ctx.helper.reclaimList(Number(daysText));
  if (items.length === 0) {
    void vscode.window.showInformationMessage("Nothing to reclaim: no VM stopped that long, no old images, no download cache.");
    return;
  }
  const picked = await vscode.window.showQuickPick(
    items.map((item) => ({ label: `${icon(item)} ${item.label}`, description: formatBytes(item.sizeBytes), detail: item.detail, item })),
    { title: "Reclaim Space: tick what to delete", canPickMany: true, ignoreFocusOut: true },
  );
  if (!picked || picked.length === 0) return;
  const total = picked.reduce((sum, p) => sum + p.item.sizeBytes, 0);
  const go = "Delete";
  const list = picked.map((p) => p.item.label).join(", ");
  const choice = await vscode.window.showWarningMessage(`Delete ${picked.length} item(s), ${formatBytes(total)}?`, { modal: true, detail: list }, go);
  if (choice !== go) return;
  for (const { item } of picked) await reclaim(ctx, item);
};

async function reclaim(ctx: Ctx, item: ReclaimItem): Promise<void> {
  if (item.kind === "vm") await runJob(ctx, { kind: "delete", vm: item.id });
  else if (item.kind === "image") await ctx.helper.deleteImage(item.id);
  else await ctx.helper.reclaimCache();
}

function icon(item: ReclaimItem): string {
  return item.kind === "vm" ? "$(vm)" : item.kind === "image" ? "$(file-binary)" : "$(cloud-download)";
}
