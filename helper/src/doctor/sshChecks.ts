// The OpenSSH client, and nixlima's Include in the ssh config Remote-SSH reads.
import type { DoctorCheck } from "../protocol";
import { sshConfigStatus } from "../ssh";
import { probe } from "./run";

export async function sshChecks(sshConfigFile: string | undefined, env: NodeJS.ProcessEnv): Promise<DoctorCheck[]> {
  // `ssh -V` prints its version on stderr and exits 0.
  const version = await probe("ssh", ["-V"], env);
  const client: DoctorCheck =
    version.exitCode === 0
      ? { id: "ssh", title: "OpenSSH client", ok: true, detail: version.output.split("\n")[0]! }
      : {
          id: "ssh",
          title: "OpenSSH client",
          ok: false,
          detail: "ssh was not found on PATH; Lima and Remote-SSH both need it.",
          fix: "Install the OpenSSH client (macOS has it; Debian/Ubuntu: sudo apt install openssh-client).",
        };
  if (client.ok === false) return [client];
  try {
    const s = await sshConfigStatus({ ...(sshConfigFile ? { userConfigPath: sshConfigFile } : {}), vms: [], env });
    const title = `nixlima's hosts in ${s.userConfigPath}`;
    const ok = s.block === "current" || s.block === "manual";
    const detail = {
      current: "nixlima's Include is in place, before every Host and Match line.",
      manual: "Your own Include of nixlima's hosts is in place.",
      outdated: "nixlima's block is there but out of date.",
      scoped: "nixlima's block is below a Host or Match line, where ssh does not apply it to lima-* hosts.",
      absent: "There is no Include of nixlima's hosts yet, so `ssh lima-NAME` and Remote-SSH cannot reach the VMs.",
      "bad-markers": `nixlima's markers are damaged: ${s.markerProblem ?? "unbalanced or duplicated"}.`,
    }[s.block];
    const fix = s.readOnlyReason
      ? `${s.readOnlyReason} Add this line at the top of it yourself: ${s.manualLine}`
      : s.block === "bad-markers"
        ? "Remove the damaged nixlima lines by hand, then run `nixlima ssh-config sync`."
        : "Run `nixlima ssh-config sync` (the extension does this when VMs are created or started).";
    // Optional: VMs work without it (limactl shell); it is what plain ssh and Remote-SSH need.
    return [client, { id: "ssh-include", title, ok, optional: true, detail, ...(ok ? {} : { fix }) }];
  } catch (err) {
    return [client, { id: "ssh-include", title: "nixlima's ssh hosts", ok: false, detail: err instanceof Error ? err.message : String(err) }];
  }
}
