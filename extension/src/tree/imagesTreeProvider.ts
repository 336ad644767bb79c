// The Images view: the NixOS images built with nixlima's flake (LIMA_HOME/_images), one row
// each with its date, size and whether it is the latest. contextValue `image` / `image+latest`
// is what the menus in package.json match.
import * as vscode from "vscode";
import type { StoredImage } from "../../../helper/src/protocol";
import type { VmStore } from "../vmStore";
import { describeImage, imageLabel, isoDate, sortImages } from "./imagesFormat";
import { formatBytes } from "./format";

export class ImageItem extends vscode.TreeItem {
  constructor(readonly image: StoredImage) {
    super(imageLabel(image), vscode.TreeItemCollapsibleState.None);
    this.id = `image:${image.path}`;
    this.description = describeImage(image);
    this.contextValue = image.latest ? "image+latest" : "image";
    this.iconPath = new vscode.ThemeIcon(image.latest ? "package" : "archive");
    this.resourceUri = vscode.Uri.file(image.path);
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${image.image}** (${image.arch})${image.latest ? " — latest" : ""}\n\n`);
    md.appendMarkdown(`Built ${isoDate(image.date)} · ${formatBytes(image.sizeBytes)}\n\n`);
    md.appendText(image.path);
    this.tooltip = md;
  }
}

export class ImagesTreeProvider implements vscode.TreeDataProvider<ImageItem>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: VmStore) {
    this.subscription = store.onDidChangeImages(() => this.changeEmitter.fire(undefined));
  }

  getTreeItem(item: ImageItem): vscode.TreeItem {
    return item;
  }

  getChildren(item?: ImageItem): ImageItem[] {
    return item ? [] : sortImages(this.store.images).map((i) => new ImageItem(i));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
