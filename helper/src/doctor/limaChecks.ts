// limactl itself, and what each running guest needs for VS Code's remote server.
import { toHelperError } from "../errors";
import { Limactl, type LimactlSettings } from "../lima/limactl";
import { listVms } from "../lima/list";
import { probe } from "./run";
import type { DoctorCheck } from "../protocol";

export async function limaChecks(settings: LimactlSettings, env: NodeJS.ProcessEnv): Promise<{ checks: DoctorCheck[]; limactl?: Limactl }> {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const root: DoctorCheck = isRoot
    ? { id: "not-root", title: "Not running as root", ok: false, detail: "nixlima is running as root, and Lima refuses to run as root.", fix: "Run VS Code or the nixlima command as your normal user." }
    : { id: "not-root", title: "Not running as root", ok: true, detail: "Running as an unprivileged user." };
  if (isRoot) {
    return { checks: [root, { id: "limactl", title: "limactl", ok: false, detail: "Not checked: Lima does not run as root." }] };
  }
  try {
    const limactl = await Limactl.locate(settings, env);
    return { checks: [root, { id: "limactl", title: "limactl", ok: true, detail: `limactl ${limactl.version} at ${limactl.path}` }], limactl };
  } catch (err) {
    const e = toHelperError(err);
    return { checks: [root, { id: "limactl", title: "limactl", ok: false, detail: e.message, ...(e.hint ? { fix: e.hint } : {}) }] };
  }
}

// VS Code's remote server is a dynamically linked Linux program: on NixOS it runs only with
// nix-ld, which provides the usual dynamic loader path.
const NIX_LD_PROBE = 'if [ -e /etc/NIXOS ]; then for f in /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1; do [ -e "$f" ] && exit 0; done; exit 3; fi; exit 0';

export async function guestChecks(limactl: Limactl): Promise<DoctorCheck[]> {
  let running: string[];
  try {
    running = (await listVms(limactl)).filter((v) => v.status === "Running").map((v) => v.name);
  } catch {
    return [];
  }
  return Promise.all(
    running.map(async (name): Promise<DoctorCheck> => {
      const id = `guest-nix-ld:${name}`;
      const title = `VS Code can run in "${name}"`;
      const r = await probe(limactl.path, ["shell", name, "--", "sh", "-c", NIX_LD_PROBE], limactl.env, 30_000);
      if (r.exitCode === 0) return { id, title, ok: true, detail: "The guest can run VS Code's remote server." };
      if (r.exitCode === 3) {
        return {
          id,
          title,
          ok: false,
          detail: "This NixOS guest has no nix-ld, so VS Code's downloaded server cannot start in it.",
          fix: "Set `programs.nix-ld.enable = true;` in the guest's NixOS configuration (nixlima's images do) and rebuild it.",
        };
      }
      return { id, title, ok: false, detail: `Could not look inside the guest: ${r.output.split("\n").at(-1) || "limactl shell failed"}.` };
    }),
  );
}
