// `nixlima create NAME --template …`: renders a template with the chosen resources, mounts and
// image, checks it, creates the VM with limactl, and with --start boots it with live stages.
import { NixlimaError } from "../../errors";
import { checkVmName } from "../../shared/vmNames";
import { inspectVm } from "../../lima/operations";
import { Preset, type MountRequest } from "../../protocol";
import { createVm, type CreateRequest } from "../../templates/create";
import { parseSocketSpec } from "../../templates/hostSockets";
import { movedMountNotes } from "../../shared/mountPoint";
import { PRESETS } from "../../shared/presets";
import type { CliCommand } from "../command";
import { progressPrinter, type ProgressPrinter } from "../progressPrinter";
import { EXIT_OK, interruptSignal, locateLimactl, oneName, parseCommandArgs, reportError } from "../support";

/** `light 2 CPU/4 GiB/20 GiB, medium 4/6/30, …`, from the one table of presets. */
const presetWords = () =>
  Object.entries(PRESETS)
    .map(([name, r], i) => (i === 0 ? `${name} ${r.cpus} CPU/${r.memoryGiB} GiB/${r.diskGiB} GiB` : `${name} ${r.cpus}/${r.memoryGiB}/${r.diskGiB}`))
    .join(", ");

const usage = [
  "nixlima create NAME --template minimal|dev|agent|PATH [--preset light|medium|heavy] [--cpus N] [--memory GiB] [--disk GiB]",
  "               [--mount DIR[:w]]… [--socket docker|ssh-agent[=PATH]|PATH]… [--image PATH|URL] [--allow-home-write] [--start] [--json] [--verbose]",
  "  --template          a bundled template (see `nixlima templates`) or the path of a Lima YAML file",
  `  --preset            ${presetWords()}; --cpus/--memory/--disk override it`,
  "  --mount DIR[:w]     mount a host folder at the same path in the guest (:w writable; a path with a space gets one without); repeatable",
  "  --socket SPEC       forward a host socket into the guest: docker (DOCKER_HOST), ssh-agent (SSH_AUTH_SOCK; 1Password's), or any PATH; repeatable",
  "  --image PATH|URL    boot this image instead of the template's (default: your newest `nixlima build` image, then the template's)",
  "  --allow-home-write  allow a writable mount of your home folder (or a folder above it)",
  "  --start             start the VM and wait until it is ready",
  "  --json              print the created VM as JSON (the `Vm` of `nixlima list --json`)",
].join("\n");

export const createCommand: CliCommand = {
  name: "create",
  summary: "Create a VM from a template (minimal, dev, agent or a Lima YAML file)",
  usage,
  async run(args, io) {
    let printer: ProgressPrinter | undefined;
    const interrupt = interruptSignal();
    try {
      const { values, positionals } = parseCommandArgs(args, {
        template: { type: "string", short: "t" },
        preset: { type: "string" },
        cpus: { type: "string" },
        memory: { type: "string" },
        disk: { type: "string" },
        mount: { type: "string", multiple: true },
        socket: { type: "string", multiple: true },
        image: { type: "string" },
        "allow-home-write": { type: "boolean" },
        start: { type: "boolean" },
        json: { type: "boolean" },
        verbose: { type: "boolean", short: "v" },
      });
      const name = oneName(positionals);
      checkVmName(name); // before looking for limactl: a bad name never starts a process
      if (!values.template) throw new NixlimaError("usage", "Missing --template: pass minimal, dev, agent or the path of a Lima YAML file.");
      const request: CreateRequest = {
        template: values.template,
        ...presetResources(values.preset),
        ...(values.cpus === undefined ? {} : { cpus: number(values.cpus) }),
        ...(values.memory === undefined ? {} : { memoryGiB: number(values.memory) }),
        ...(values.disk === undefined ? {} : { diskGiB: number(values.disk) }),
        mounts: (values.mount ?? []).map(parseMount),
        sockets: (values.socket ?? []).map((spec) => parseSocketSpec(spec)),
        ...(values.image === undefined ? {} : { image: values.image }),
        start: values.start === true,
        allowHomeWrite: values["allow-home-write"] === true,
      };
      const limactl = await locateLimactl(io.env);
      printer = progressPrinter(io, values.verbose === true);
      await createVm(limactl, name, request, printer, interrupt.signal);
      printer.done();
      const vm = await inspectVm(limactl, name, undefined);
      if (values.json) {
        io.stdout.write(`${JSON.stringify(vm)}\n`);
        return EXIT_OK;
      }
      for (const note of movedMountNotes(vm.mounts)) io.stdout.write(`${note}\n`);
      if (values.start) {
        io.stdout.write(`VM \`${name}\` is running. Open a shell with \`nixlima shell ${name}\`.\n`);
      } else {
        io.stdout.write(`Created VM \`${name}\`. Start it with \`nixlima start ${name}\`.\n`);
      }
      return EXIT_OK;
    } catch (err) {
      printer?.done();
      return reportError(io, err, usage);
    } finally {
      interrupt.dispose();
    }
  },
};

function presetResources(preset: string | undefined): Partial<CreateRequest> {
  if (preset === undefined) return {};
  const parsed = Preset.safeParse(preset);
  if (!parsed.success) throw new NixlimaError("usage", `Unknown preset "${preset}": use light, medium or heavy.`);
  return { ...PRESETS[parsed.data] };
}

/** A number as typed; anything else becomes NaN, which create's checks refuse by name. */
function number(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}

/** `DIR` read-only, `DIR:w` writable. */
function parseMount(spec: string): MountRequest {
  return spec.endsWith(":w") ? { location: spec.slice(0, -2), writable: true } : { location: spec, writable: false };
}
