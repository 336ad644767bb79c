// `nixlima create` and the daemon's create job: pre-checks and rendering (prepare.ts), then
// `limactl validate` and `limactl create` of the rendered YAML, then optionally a start. A create
// that fails or is cancelled leaves no half-made instance behind.
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { NixlimaError } from "../errors";
import { checkNameIsFree } from "../shared/vmNames";
import type { Limactl } from "../lima/limactl";
import { listVms } from "../lima/list";
import { startVm, type Reporter } from "../lima/operations";
import { progressFromLogLine } from "../lima/progress";
import { prepareCreate, type CreateRequest, type PreparedCreate } from "./prepare";

export type { CreateRequest } from "./prepare";
export { listTemplates } from "./catalog";

/** Downloading a published image can take a while on a slow line; past this it is stuck. */
const CREATE_TIMEOUT_MS = 60 * 60_000;
const QUICK_TIMEOUT_MS = 2 * 60_000;

/** LIMA_HOME as the limactl it runs sees it. */
export function limaHomeOf(l: Limactl): string {
  return l.env.LIMA_HOME || join(l.env.HOME || homedir(), ".lima");
}

export async function createVm(l: Limactl, name: string, opts: CreateRequest, r: Reporter, signal: AbortSignal): Promise<void> {
  r.progress({ stage: "Checking the template", fraction: 0 });
  const prepared = await prepareCreate(name, opts, limaHomeOf(l));
  r.log(`template ${prepared.template.path}${prepared.image ? `, image ${prepared.image}` : ""}`);
  checkNameIsFree(name, (await listVms(l, signal)).map((vm) => vm.name));
  await validateYaml(l, prepared, r, signal);
  await createInstance(l, prepared, r, signal);
  r.progress({ stage: "Created", message: name, fraction: 1 });
  if (opts.start) await startVm(l, name, r, signal);
}

/** `limactl validate` reads files only, so the rendered YAML goes to a private temp file. */
async function validateYaml(l: Limactl, p: PreparedCreate, r: Reporter, signal: AbortSignal): Promise<void> {
  r.progress({ stage: "Validating", fraction: 0.02 });
  const dir = await mkdtemp(join(tmpdir(), "nixlima-"));
  const file = join(dir, `${p.name}.yaml`);
  try {
    await writeFile(file, p.yaml, { mode: 0o600 });
    r.log(`$ ${l.commandLine(["validate", file])}`);
    await l.run(["validate", file], { signal, timeoutMs: QUICK_TIMEOUT_MS });
  } catch (err) {
    if (!(err instanceof NixlimaError) || err.code === "cancelled" || err.code === "timeout") throw err;
    const reason = err.message.replace(/^failed to validate YAML file `[^`]*`: /, "");
    throw new NixlimaError("failed", `Lima rejects the template ${p.template.path}: ${reason}`, "Fix the template or the values passed to create.");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function createInstance(l: Limactl, p: PreparedCreate, r: Reporter, signal: AbortSignal): Promise<void> {
  const dir = join(limaHomeOf(l), p.name);
  const existed = existsSync(dir);
  const args = ["create", "--name", p.name, "-"];
  r.progress({ stage: "Creating", message: p.name, fraction: 0.05 });
  r.log(`$ ${l.commandLine(args)}`);
  try {
    await l.run(args, {
      input: p.yaml,
      signal,
      timeoutMs: CREATE_TIMEOUT_MS,
      onLogLine: (line) => {
        r.log(line.level === "info" ? line.msg : `${line.level}: ${line.msg}`);
        const progress = progressFromLogLine(line);
        if (progress) r.progress(progress);
      },
    });
    r.log(`✓ limactl create ${p.name} finished`);
  } catch (err) {
    r.log(`✗ limactl create ${p.name}: ${err instanceof Error ? err.message : String(err)}`);
    // Someone else made the same name meanwhile: that instance is theirs, not ours to delete.
    const theirs = err instanceof NixlimaError && err.code === "already-exists";
    if (!existed && !theirs && existsSync(dir)) await cleanUp(l, p.name, dir, r);
    throw explainCreateFailure(err, p);
  }
}

/** Removes the half-made instance with `limactl delete -f` (not cancellable: it must finish). */
async function cleanUp(l: Limactl, name: string, dir: string, r: Reporter): Promise<void> {
  r.progress({ stage: "Cleaning up", message: `deleting the half-made ${name}` });
  const args = ["delete", "-f", name];
  r.log(`$ ${l.commandLine(args)}`);
  try {
    await l.run(args, { timeoutMs: QUICK_TIMEOUT_MS });
  } catch (err) {
    r.log(`could not delete ${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Lima refuses a folder without lima.yaml (a create killed at its very start); it is ours.
  if (existsSync(dir) && !existsSync(join(dir, "lima.yaml"))) await rm(dir, { recursive: true, force: true });
}

const DIGEST_MISMATCH = /failed to download `([^`]+)`: expected digest `([^`]+)`, got `([^`]+)`/;

function explainCreateFailure(err: unknown, p: PreparedCreate): unknown {
  if (!(err instanceof NixlimaError)) return err;
  const raw = err.detail ?? err.message;
  const m = DIGEST_MISMATCH.exec(raw);
  if (m) {
    return new NixlimaError(
      "failed",
      `The image ${m[1]} does not match the digest in ${p.template.path} (expected ${m[2]}, got ${m[3]}).`,
      "Fix or remove that image's `digest:` in the template, or point it at the right image.",
      raw,
    );
  }
  if (/disk shrinking is not supported/.test(raw)) {
    return new NixlimaError("failed", `The disk size asked for \`${p.name}\` is smaller than its image.`, "Pass a larger --disk (or none, to keep the template's).", raw);
  }
  return err;
}
