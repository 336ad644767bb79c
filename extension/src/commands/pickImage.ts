// The Create flow's image step: the user's own builds of the chosen template come first (the
// latest one preselected), then the template's published images; skipped when there are none.
import * as vscode from "vscode";
import type { TemplateInfo } from "../../../helper/src/protocol";
import type { Ctx } from "../ctx";
import { describeImage, guestArch, imagesForTemplate } from "../tree/imagesFormat";

/** An image path, `null` for the template's own images, or undefined when the user backed out. */
export async function pickImage(ctx: Ctx, template: TemplateInfo): Promise<string | null | undefined> {
  const built = imagesForTemplate(ctx.store.images, template.name, guestArch());
  if (built.length === 0) return null;
  const picked = await vscode.window.showQuickPick(
    [
      ...built.map((i) => ({ label: `$(package) ${i.image} · ${i.arch}`, description: describeImage(i), detail: i.path, path: i.path as string | null })),
      { label: "$(globe) Published NixOS image", description: "the template's own, downloaded and checked by Lima", detail: undefined, path: null },
    ],
    { title: "Create VM: image", placeHolder: "Image to boot (your builds first)", ignoreFocusOut: true },
  );
  return picked === undefined ? undefined : picked.path;
}
