// The Create VM wizard's plan, as pure functions: which steps a path has (so "2/4" is right on
// every path), what each resource choice means, and the name check with the helper's full hint.
import { checkNameIsFree, checkVmName } from "../../../helper/src/shared/vmNames";
import type { CreateOptions, TemplateInfo } from "../../../helper/src/protocol";
import { PRESETS } from "../../../helper/src/shared/presets";

export type WizardStep = "template" | "image" | "name" | "resources" | "mounts";

export interface PathFacts {
  /** Builds of this template exist, so the image step is asked (unless an image was preset). */
  hasBuiltImages: boolean;
  /** Create VM from This Image… already chose the image. */
  presetImage: boolean;
}

/** The steps of the path this template leads to. */
export function wizardSteps(template: Pick<TemplateInfo, "name">, facts: PathFacts): WizardStep[] {
  const steps: WizardStep[] = ["template"];
  if (facts.hasBuiltImages && !facts.presetImage) steps.push("image");
  steps.push("name", "resources");
  if (template.name !== "minimal") steps.push("mounts");
  return steps;
}

/** `Create VM (2/4)`; a sub-question of a step (Custom resources) keeps the step's number. */
export function stepTitle(steps: WizardStep[], step: WizardStep, sub?: string): string {
  return `Create VM (${steps.indexOf(step) + 1}/${steps.length})${sub ? `: ${sub}` : ""}`;
}

export type Resources = Pick<CreateOptions, "cpus" | "memoryGiB" | "diskGiB">;

/** The helper's presets (one definition), with what each is for. */
const PRESET_CHOICES = [
  { label: "Light", ...PRESETS.light, use: "a shell, small builds" },
  { label: "Medium", ...PRESETS.medium, use: "an agent or a usual project" },
  { label: "Heavy", ...PRESETS.heavy, use: "big builds, several services" },
];

export function resourcesText(r: { cpus?: number; memoryGiB?: number; diskGiB?: number }): string {
  return [r.cpus && `${r.cpus} CPU`, r.memoryGiB && `${r.memoryGiB} GiB memory`, r.diskGiB && `${r.diskGiB} GiB disk`].filter(Boolean).join(" · ");
}

export interface ResourceChoice {
  label: string;
  description: string;
  detail?: string;
  /** undefined: ask each number (Custom…). */
  value: Resources | undefined;
}

/** Every choice says what it gives; the template's own numbers included (or that its file decides). */
export function resourceChoices(t: TemplateInfo): ResourceChoice[] {
  const own = resourcesText(t);
  return [
    { label: "Template default", description: own || "as the template file says (Lima's defaults where it says nothing)", value: {} },
    ...PRESET_CHOICES.map((p) => ({ label: p.label, description: resourcesText(p), detail: p.use, value: { cpus: p.cpus, memoryGiB: p.memoryGiB, diskGiB: p.diskGiB } })),
    { label: "Custom…", description: `choose CPUs, memory and disk (starting from ${own || "2 CPU · 4 GiB memory · 20 GiB disk"})`, value: undefined },
  ];
}

/** The name check as the input box shows it: the helper's whole sentence and hint, or undefined. */
export function nameProblem(value: string, existing: readonly string[]): string | undefined {
  try {
    checkVmName(value);
    checkNameIsFree(value, existing);
    return undefined;
  } catch (err) {
    const e = err as { message: string; hint?: string };
    return `${e.message}${e.hint ? ` ${e.hint}` : ""}`.replace(/`([^`]*)`/g, '"$1"');
  }
}
