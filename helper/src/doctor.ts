// Checks the host can run nixlima's VMs, each with what is wrong and how to fix it. Shared by
// `nixlima doctor` and the extension's "Run Doctor"; later features add their checks here.
import { toHelperError } from "./errors";
import { Limactl, type LimactlSettings } from "./lima/limactl";
import type { DoctorCheck } from "./protocol";

export async function runDoctor(settings: LimactlSettings, env: NodeJS.ProcessEnv = process.env): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  checks.push({
    id: "not-root",
    title: "Not running as root",
    ok: !isRoot,
    detail: isRoot ? "nixlima is running as root, and limactl refuses to run as root." : "Running as an unprivileged user.",
    ...(isRoot ? { fix: "Run VS Code or the nixlima command as your normal user." } : {}),
  });
  try {
    const limactl = await Limactl.locate(settings, env);
    checks.push({ id: "limactl", title: "limactl", ok: true, detail: `limactl ${limactl.version} at ${limactl.path}` });
  } catch (err) {
    const e = toHelperError(err);
    checks.push({ id: "limactl", title: "limactl", ok: false, detail: e.message, ...(e.hint ? { fix: e.hint } : {}) });
  }
  return checks;
}
