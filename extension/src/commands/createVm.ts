// "Create VM…": template, name, resources, project folder, then a create-and-start job whose
// progress notification mirrors Lima's stages. Every answer is checked before the next step.
import { homedir } from "node:os";
import * as vscode from "vscode";
import { checkVmName } from "../../../helper/src/lima/names";
import type { CreateOptions, MountRequest, TemplateInfo } from "../../../helper/src/protocol";
import type { Ctx } from "../ctx";
import { isWritableHome } from "../tree/format";
import { imagePreset } from "../tree/imagesFormat";
import { pickImage } from "./pickImage";
import { runJob } from "./runJob";

const presets = [
  { label: "Light", cpus: 2, memoryGiB: 4, diskGiB: 20 },
  { label: "Medium", cpus: 4, memoryGiB: 6, diskGiB: 30 },
  { label: "Heavy", cpus: 6, memoryGiB: 8, diskGiB: 50 },
];
const STEPS = 4;
const title = (step: number) => `Create VM (${step}/${STEPS})`;

export const createVm = (ctx: Ctx) => async (preset?: unknown) => {
  const template = await pickTemplate(ctx);
  if (!template) return;
  const image = imagePreset(preset) ?? (await pickImage(ctx, template));
  if (image === undefined) return;
  const name = await askName(ctx);
  if (!name) return;
  const resources = await pickResources(template);
  if (!resources) return;
  const mounts = template.name === "minimal" ? [] : await pickMounts(template);
  if (!mounts) return;
  // pickMounts asked the user before it returned a writable mount of the home folder.
  const allowHomeWrite = mounts.some((m) => isWritableHome(m, homedir()));
  const create: CreateOptions = { template: template.path, ...resources, mounts, start: true, allowHomeWrite, ...(image ? { image } : { publishedImage: true }) };
  await runJob(ctx, { kind: "create", vm: name, create });
};

async function pickTemplate(ctx: Ctx): Promise<TemplateInfo | undefined> {
  const templates = await ctx.helper.templates();
  const browse = { label: "$(folder-opened) Lima YAML file…", template: undefined as TemplateInfo | undefined };
  const picked = await vscode.window.showQuickPick(
    [
      ...templates.map((t) => ({ label: t.name, description: resourcesText(t), detail: t.description, template: t as TemplateInfo | undefined })),
      browse,
    ],
    { title: title(1), placeHolder: "Template", ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  if (picked.template) return picked.template;
  const [file] =
    (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { "Lima template": ["yaml", "yml"] }, title: "Lima template" })) ?? [];
  return file ? { name: file.path.split("/").pop() ?? "template", description: file.fsPath, path: file.fsPath } : undefined;
}

function askName(ctx: Ctx): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: title(2),
    prompt: "VM name",
    placeHolder: "for example agent-1",
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (ctx.store.vm(value)) return `A VM named "${value}" already exists.`;
      try {
        checkVmName(value);
        return undefined;
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    },
  });
}

async function pickResources(t: TemplateInfo): Promise<Pick<CreateOptions, "cpus" | "memoryGiB" | "diskGiB"> | undefined> {
  const items = [
    { label: "Template default", description: resourcesText(t), value: {} as Pick<CreateOptions, "cpus" | "memoryGiB" | "diskGiB"> | undefined },
    ...presets.map((p) => ({ label: p.label, description: resourcesText(p), value: { cpus: p.cpus, memoryGiB: p.memoryGiB, diskGiB: p.diskGiB } })),
    { label: "Custom…", description: "choose CPUs, memory and disk", value: undefined },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: title(3), placeHolder: "Resources", ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.value) return picked.value;
  const cpus = await askNumber("CPUs", t.cpus ?? 2, true);
  const memoryGiB = cpus && (await askNumber("Memory (GiB)", t.memoryGiB ?? 4, false));
  const diskGiB = memoryGiB && (await askNumber("Disk (GiB)", t.diskGiB ?? 20, false));
  return cpus && memoryGiB && diskGiB ? { cpus, memoryGiB, diskGiB } : undefined;
}

async function askNumber(prompt: string, value: number, integer: boolean): Promise<number | undefined> {
  const answer = await vscode.window.showInputBox({
    title: title(3),
    prompt,
    value: String(value),
    ignoreFocusOut: true,
    validateInput: (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) return `Enter a positive ${integer ? "whole " : ""}number.`;
      return undefined;
    },
  });
  return answer === undefined ? undefined : Number(answer);
}

/** The project folder the VM may see; undefined means the user backed out. */
async function pickMounts(t: TemplateInfo): Promise<MountRequest[] | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const picked = await vscode.window.showQuickPick(
    [
      ...folders.map((f) => ({ label: f.name, description: f.uri.fsPath, path: f.uri.fsPath as string | undefined })),
      { label: "$(folder-opened) Choose a folder…", description: "", path: "choose" },
      { label: "No folder", description: "the VM sees none of your files", path: undefined },
    ],
    { title: title(4), placeHolder: `Project folder to mount in "${t.name}" (writable)`, ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  let path = picked.path;
  if (path === "choose") {
    const [dir] = (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: "Project folder" })) ?? [];
    if (!dir) return undefined;
    path = dir.fsPath;
  }
  if (!path) return [];
  const mount = { location: path, writable: true };
  if (isWritableHome(mount, homedir())) {
    const ok = "Mount It Writable";
    const answer = await vscode.window.showWarningMessage(
      `Mount ${path} writable?`,
      { modal: true, detail: "This gives the VM write access to your whole home folder: everything in it can be changed or deleted from inside the VM." },
      ok,
    );
    if (answer !== ok) return undefined;
  }
  return [mount];
}

function resourcesText(r: { cpus?: number; memoryGiB?: number; diskGiB?: number }): string {
  return [r.cpus && `${r.cpus} CPU`, r.memoryGiB && `${r.memoryGiB} GiB`, r.diskGiB && `${r.diskGiB} GiB disk`].filter(Boolean).join(" · ");
}
