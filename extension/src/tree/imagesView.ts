// The Images view's wiring: the helper's image list into the store, the store into the tree.
import * as vscode from "vscode";
import type { Ctx } from "../ctx";
import { ImagesTreeProvider } from "./imagesTreeProvider";

export function registerImagesView(ctx: Ctx): vscode.Disposable[] {
  const tree = new ImagesTreeProvider(ctx.store);
  const view = vscode.window.createTreeView("nixlima.images", { treeDataProvider: tree });
  return [tree, view, ctx.helper.onImages((images) => ctx.store.setImages(images))];
}
