// NixOS images: "Build Image…" (the flake's images, then the system, then a build job whose
// notification shows Nix's real progress), deleting a built image, creating a VM from one, and
// "Rebuild VM" (nixos-rebuild switch inside a running VM).
import * as vscode from "vscode";
import { checkFlakeRef } from "../../../helper/src/shared/flakeRefRule";
import { hostLinuxSystem } from "../../../helper/src/shared/arch";
import type { LinuxSystem, StoredImage, Vm } from "../../../helper/src/protocol";
import { configuredFlake } from "../config";
import type { Ctx } from "../ctx";
import { errorText } from "../jobWords";
import { describeImage, imageLabel, sortImages } from "../tree/imagesFormat";
import { ImageItem } from "../tree/imagesTreeProvider";
import { vmFromArg } from "./pickVm";
import { runJob } from "./runJob";

export const buildImage = (ctx: Ctx) => async () => {
  const flake = configuredFlake();
  let listed;
  try {
    listed = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "nixlima: reading the flake's images" },
      () => ctx.helper.flakeImages(flake),
    );
  } catch (err) {
    const settings = "Open Settings";
    const message = errorText(err);
    ctx.log.error(`Build Image: ${message}`);
    const choice = await vscode.window.showErrorMessage(message, settings);
    if (choice === settings) await vscode.commands.executeCommand("workbench.action.openSettings", "nixlima.flake");
    return;
  }
  if (listed.images.length === 0) {
    void vscode.window.showWarningMessage(`The flake ${listed.flake} has no images to build (packages.<system>.NAME-image).`);
    return;
  }
  const host = hostLinuxSystem();
  const image = await vscode.window.showQuickPick(
    listed.images.map((i) => ({ label: i.image, description: i.systems.join(", "), image: i })),
    { title: "Build Image (1/2)", placeHolder: `Image of ${listed.flake}`, ignoreFocusOut: true },
  );
  if (!image) return;
  // The host's own architecture first: that image boots natively and builds without a remote builder.
  const systems = [...image.image.systems].sort((a, b) => Number(b === host) - Number(a === host));
  const system = await vscode.window.showQuickPick(
    systems.map((s) => ({ label: s, description: s === host ? "this machine's architecture" : "needs a builder for it", system: s as LinuxSystem })),
    { title: "Build Image (2/2)", placeHolder: "Guest system", ignoreFocusOut: true },
  );
  if (!system) return;
  await runJob(ctx, { kind: "build", build: { image: image.image.image, system: system.system, flake: listed.flake } });
};

async function imageFromArg(ctx: Ctx, arg: unknown, action: string): Promise<StoredImage | undefined> {
  if (arg instanceof ImageItem) return arg.image;
  if (ctx.store.images.length === 0) {
    void vscode.window.showInformationMessage("No images built yet: run nixlima: Build Image… first.");
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    sortImages(ctx.store.images).map((i) => ({ label: imageLabel(i), description: describeImage(i), image: i })),
    { title: `Image to ${action}`, placeHolder: "Choose a built image" },
  );
  return picked?.image;
}

export const deleteImage = (ctx: Ctx) => async (arg?: unknown) => {
  const image = await imageFromArg(ctx, arg, "delete");
  if (!image) return;
  const name = image.path.slice(image.path.lastIndexOf("/") + 1);
  const detail = [
    "VMs already created from it keep working: Lima copied the image when it made them.",
    image.latest ? `It is the latest ${image.image} image for ${image.arch}: "latest" moves to the next newest one, if any.` : "",
  ]
    .filter(Boolean)
    .join(" ");
  const choice = await vscode.window.showWarningMessage(`Delete image ${name}?`, { modal: true, detail }, "Delete");
  if (choice !== "Delete") return;
  ctx.store.setImages(await ctx.helper.deleteImage(image.path));
};

export const createVmFromImage = (ctx: Ctx) => async (arg?: unknown) => {
  const image = await imageFromArg(ctx, arg, "create a VM from");
  if (image) await vscode.commands.executeCommand("nixlima.createVm", { image: image.path });
};

const rebuildKey = (vm: string) => `nixlima.rebuildFlake.${vm}`;

export const rebuildVm = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, (v: Vm) => v.status === "Running", "rebuilt");
  if (!vm) return;
  const how = await vscode.window.showQuickPick(
    [
      { label: "Switch now", description: "nixos-rebuild switch: the new system runs at once", mode: "switch" as const },
      { label: "Boot and restart", description: "nixos-rebuild boot, then a restart: for changes that need a reboot", mode: "boot" as const },
    ],
    { title: `Rebuild ${vm.name}`, placeHolder: "How to apply the new configuration" },
  );
  if (!how) return;
  const remembered = ctx.extension.workspaceState.get<string>(rebuildKey(vm.name));
  const proposed = remembered ?? (await ctx.helper.rebuildDefault(vm.name));
  const flake = await vscode.window.showInputBox({
    title: `Rebuild ${vm.name}`,
    prompt: `Flake to build, as seen inside the VM (sudo nixos-rebuild ${how.mode} --flake …)`,
    value: proposed,
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        checkFlakeRef(value);
        return undefined;
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    },
  });
  if (!flake) return;
  await ctx.extension.workspaceState.update(rebuildKey(vm.name), flake);
  await runJob(ctx, { kind: "rebuild", vm: vm.name, rebuild: { flake, mode: how.mode } });
};
