// `nixlima resize NAME [--preset P] [--cpus N] [--memory GiB] [--disk GiB]`, with Create's checks.
import { NixlimaError } from "../../errors";
import { checkVmName } from "../../shared/vmNames";
import { resizeVm } from "../../lima/vmOps";
import { Preset, type ResizeOptions } from "../../protocol";
import { PRESETS, ResourceInput } from "../../shared/presets";
import { oneName } from "../support";
import { vmOpCommand } from "../vmOpCommand";

/** A number as typed; anything else becomes NaN, which the resource checks refuse by name. */
const number = (text: unknown): number => (typeof text !== "string" || text.trim() === "" ? Number.NaN : Number(text));

export const resizeCommand = vmOpCommand({
  name: "resize",
  summary: "Change the CPUs, memory or disk size of a stopped VM",
  usage: "nixlima resize NAME [--preset light|medium|heavy] [--cpus N] [--memory GiB] [--disk GiB] [--verbose]   (the disk only grows)",
  options: { preset: { type: "string" }, cpus: { type: "string" }, memory: { type: "string" }, disk: { type: "string" } },
  prepare(positionals, values) {
    const name = oneName(positionals);
    checkVmName(name);
    let opts: ResizeOptions = {};
    if (values.preset !== undefined) {
      const preset = Preset.safeParse(values.preset);
      if (!preset.success) throw new NixlimaError("usage", `Unknown preset "${String(values.preset)}": use light, medium or heavy.`);
      opts = { ...PRESETS[preset.data] };
    }
    if (values.cpus !== undefined) opts.cpus = number(values.cpus);
    if (values.memory !== undefined) opts.memoryGiB = number(values.memory);
    if (values.disk !== undefined) opts.diskGiB = number(values.disk);
    const checked = ResourceInput.safeParse(opts); // before limactl is even looked for
    if (!checked.success) throw new NixlimaError("usage", checked.error.issues[0]!.message);
    return {
      run: (l, r, s) => resizeVm(l, name, opts, r, s),
      done: `Resized \`${name}\`; the new sizes apply when it next starts.`,
    };
  },
});
