// Checks that this machine can run nixlima's VMs, each with what is wrong and how to fix it.
// Shared by `nixlima doctor` and the extension's "Run Doctor".
import type { LimactlSettings } from "../lima/limactl";
import type { DoctorCheck } from "../protocol";
import { guestChecks, limaChecks } from "./limaChecks";
import { nixChecks } from "./nixChecks";
import { sshChecks } from "./sshChecks";
import { virtualizationCheck } from "./virtualization";

export interface DoctorOptions {
  limactl: LimactlSettings;
  /** The ssh config Remote-SSH reads; default ~/.ssh/config. */
  sshConfigFile?: string;
  env?: NodeJS.ProcessEnv;
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorCheck[]> {
  const env = options.env ?? process.env;
  const [lima, ssh, virt, nix] = await Promise.all([
    limaChecks(options.limactl, env),
    sshChecks(options.sshConfigFile, env),
    virtualizationCheck(),
    nixChecks(env),
  ]);
  const guests = lima.limactl ? await guestChecks(lima.limactl) : [];
  return [...lima.checks, ...ssh, virt, ...nix, ...guests];
}

