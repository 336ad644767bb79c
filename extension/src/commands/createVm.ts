// "Create VM…": template, image (when there are builds), name, resources, project folder, then a
// create-and-start job whose notification shows its stages. Every step has Back, its number is
// right for the path the chosen template leads to, and every answer is checked before the next.
import { homedir } from "node:os";
import * as vscode from "vscode";
import type { CreateOptions, MountRequest, TemplateInfo } from "../../../helper/src/protocol";
import type { Ctx } from "../ctx";
import { writesHome } from "../../../helper/src/shared/homeMounts";
import { hostArch } from "../../../helper/src/shared/arch";
import { describeImage, imagePreset, imagesForTemplate } from "../tree/imagesFormat";
import { isTrusted, manageTrust, trustedFolders, trustRow } from "../trust";
import { offerDevVm } from "../devVm";
import { offersSockets, pickSockets } from "./pickSockets";
import { runJob } from "./runJob";
import { BACK, inputStep, NEXT, pickStep, type StepAnswer } from "./wizardInput";
import { nameProblem, resourceChoices, resourcesText, stepTitle, wizardSteps, type Resources, type WizardStep } from "./wizardPlan";

interface Answers {
  template?: TemplateInfo;
  /** An image path, or null for the template's own images. */
  image?: string | null;
  name?: string;
  resources?: Resources;
  mounts?: MountRequest[];
}

interface Wizard {
  ctx: Ctx;
  answers: Answers;
  presetImage: string | undefined;
  stepsFor(t: TemplateInfo): WizardStep[];
}

export const createVm = (ctx: Ctx) => async (preset?: unknown) => {
  const presetImage = imagePreset(preset);
  const templates = await ctx.helper.templates();
  const w: Wizard = {
    ctx,
    answers: presetImage ? { image: presetImage } : {},
    presetImage,
    stepsFor: (t) => wizardSteps(t, { hasBuiltImages: builtImages(ctx, t).length > 0, presetImage: presetImage !== undefined }),
  };
  let at = 0;
  for (;;) {
    const steps = w.answers.template ? w.stepsFor(w.answers.template) : (["template"] as WizardStep[]);
    const step = steps[at];
    if (!step) break;
    const answer = await ask(w, step, steps, templates, at > 0);
    if (answer === undefined) return;
    at = answer === BACK ? Math.max(0, at - 1) : at + 1;
  }
  const { template, image, name, resources, mounts = [] } = w.answers;
  if (!template || !name || !resources) return;
  // The folder step asked the user before it returned a writable mount of the home folder.
  const allowHomeWrite = mounts.some((m) => writesHome(m, homedir()));
  const sockets = offersSockets(template) ? await pickSockets(ctx) : [];
  if (!sockets) return;
  const create: CreateOptions = { template: template.path, ...resources, mounts, start: true, allowHomeWrite, ...(image ? { image } : { publishedImage: true }), ...(sockets.length > 0 ? { sockets } : {}) };
  const job = await runJob(ctx, { kind: "create", vm: name, create });
  if (job?.state === "succeeded" && template.name === "dev") void offerDevVm(ctx, name);
};

function ask(w: Wizard, step: WizardStep, steps: WizardStep[], templates: TemplateInfo[], canGoBack: boolean): Promise<StepAnswer<typeof NEXT>> {
  switch (step) {
    case "template":
      return askTemplate(w, templates);
    case "image":
      return askImage(w, steps, canGoBack);
    case "name":
      return askName(w, steps, canGoBack);
    case "resources":
      return askResources(w, steps, canGoBack);
    case "mounts":
      return askMounts(w, steps, canGoBack);
  }
}

function builtImages(ctx: Ctx, t: TemplateInfo) {
  return imagesForTemplate(ctx.store.images, t.name, hostArch());
}

async function askTemplate(w: Wizard, templates: TemplateInfo[]): Promise<StepAnswer<typeof NEXT>> {
  const items = [
    ...templates.map((t) => ({ label: t.name, description: resourcesText(t), detail: t.description, template: t as TemplateInfo | undefined })),
    { label: "$(folder-opened) Lima YAML file…", description: "a template of your own", detail: undefined, template: undefined },
  ];
  const custom: TemplateInfo = { name: "file", description: "", path: "" };
  const picked = await pickStep({
    title: (active) => stepTitle(w.stepsFor(active?.template ?? custom), "template"),
    placeholder: "Template",
    items,
    canGoBack: false,
    active: items.find((i) => i.template?.name === w.answers.template?.name),
  });
  if (picked === undefined || picked === BACK) return picked;
  if (picked.template) {
    w.answers.template = picked.template;
    return NEXT;
  }
  const [file] =
    (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { "Lima template": ["yaml", "yml"] }, title: "Lima template" })) ?? [];
  if (!file) return undefined;
  w.answers.template = { name: file.path.split("/").pop() ?? "template", description: file.fsPath, path: file.fsPath };
  return NEXT;
}

async function askImage(w: Wizard, steps: WizardStep[], canGoBack: boolean): Promise<StepAnswer<typeof NEXT>> {
  const built = builtImages(w.ctx, w.answers.template!);
  const items = [
    ...built.map((i) => ({ label: `$(package) ${i.image} · ${i.arch}`, description: describeImage(i), detail: i.path, path: i.path as string | null })),
    { label: "$(globe) Published NixOS image", description: "the template's own, downloaded and checked by Lima", detail: undefined, path: null },
  ];
  const picked = await pickStep({ title: stepTitle(steps, "image"), placeholder: "Image to boot (your builds first)", items, canGoBack });
  if (picked === undefined || picked === BACK) return picked;
  w.answers.image = picked.path;
  return NEXT;
}

async function askName(w: Wizard, steps: WizardStep[], canGoBack: boolean): Promise<StepAnswer<typeof NEXT>> {
  const existing = () => w.ctx.store.vms().map((v) => v.name);
  const name = await inputStep({
    title: stepTitle(steps, "name"),
    prompt: "VM name",
    placeholder: "for example agent-1",
    value: w.answers.name,
    canGoBack,
    validate: (value) => nameProblem(value, existing()),
  });
  if (name === undefined || name === BACK) return name;
  w.answers.name = name;
  return NEXT;
}

async function askResources(w: Wizard, steps: WizardStep[], canGoBack: boolean): Promise<StepAnswer<typeof NEXT>> {
  const t = w.answers.template!;
  for (;;) {
    const picked = await pickStep({ title: stepTitle(steps, "resources"), placeholder: "Resources", items: resourceChoices(t), canGoBack });
    if (picked === undefined || picked === BACK) return picked;
    if (picked.value) {
      w.answers.resources = picked.value;
      return NEXT;
    }
    const custom = await askCustom(steps, t);
    if (custom === undefined) return undefined;
    if (custom !== BACK) {
      w.answers.resources = custom;
      return NEXT;
    }
  }
}

/** Custom…: three numbers; Back returns to the choice of resources. */
async function askCustom(steps: WizardStep[], t: TemplateInfo): Promise<StepAnswer<Resources>> {
  const fields = [
    { key: "cpus", prompt: "CPUs", value: t.cpus ?? 2, integer: true },
    { key: "memoryGiB", prompt: "Memory (GiB)", value: t.memoryGiB ?? 4, integer: false },
    { key: "diskGiB", prompt: "Disk (GiB)", value: t.diskGiB ?? 20, integer: false },
  ] as const;
  const out: Resources = {};
  for (let i = 0; i < fields.length; ) {
    const f = fields[i]!;
    const answer = await inputStep({
      title: stepTitle(steps, "resources", f.prompt),
      prompt: f.prompt,
      value: String(out[f.key] ?? f.value),
      canGoBack: true,
      validate: (v) => {
        const n = Number(v);
        return !Number.isFinite(n) || n <= 0 || (f.integer && !Number.isInteger(n)) ? `Enter a positive ${f.integer ? "whole " : ""}number.` : undefined;
      },
    });
    if (answer === undefined) return undefined;
    if (answer === BACK) {
      if (i === 0) return BACK;
      i--;
      continue;
    }
    out[f.key] = Number(answer);
    i++;
  }
  return out;
}

/** The project folder the VM may see. */
async function askMounts(w: Wizard, steps: WizardStep[], canGoBack: boolean): Promise<StepAnswer<typeof NEXT>> {
  // Restricted Mode: the workspace folder is not offered (a row says so), any other folder is.
  const restricted = !isTrusted() && (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
  const picked = await pickStep({
    title: stepTitle(steps, "mounts"),
    placeholder: `Project folder to mount in "${w.answers.name}" (writable)`,
    items: [
      ...trustedFolders().map((f) => ({ label: f.name, description: f.uri.fsPath, path: f.uri.fsPath as string | undefined })),
      ...(restricted ? [{ ...trustRow("the workspace's folders"), path: "trust" }] : []),
      { label: "$(folder-opened) Choose a folder…", description: "", path: "choose" },
      { label: "No folder", description: "the VM sees none of your files", path: undefined },
    ],
    canGoBack,
  });
  if (picked === undefined || picked === BACK) return picked;
  if (picked.path === "trust") return void (await manageTrust());
  let path = picked.path;
  if (path === "choose") {
    const [dir] = (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: "Project folder" })) ?? [];
    if (!dir) return undefined;
    path = dir.fsPath;
  }
  if (!path) {
    w.answers.mounts = [];
    return NEXT;
  }
  const mount = { location: path, writable: true };
  if (writesHome(mount, homedir())) {
    const ok = "Mount It Writable";
    const answer = await vscode.window.showWarningMessage(
      `Mount ${path} writable?`,
      { modal: true, detail: "This gives the VM write access to your whole home folder: everything in it can be changed or deleted from inside the VM." },
      ok,
    );
    if (answer !== ok) return undefined;
  }
  w.answers.mounts = [mount];
  return NEXT;
}
