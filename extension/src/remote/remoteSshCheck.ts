// The Doctor's Remote-SSH line. VMs run without Remote-SSH (a terminal reaches them), so a missing
// one is advice, never a problem that stops nixlima; in a browser VS Code, where Remote-SSH cannot
// run, it says what works there instead of offering an install. Pure, so it is tested without VS Code.
import type { DoctorCheck } from "../../../helper/src/protocol";

const title = "Remote-SSH extension";

export function remoteSshCheck(installed: string | undefined, installable: string, inBrowser: boolean): DoctorCheck {
  if (installed) return { id: "remote-ssh", title, ok: true, detail: `${installed} is installed.` };
  if (inBrowser) {
    return {
      id: "remote-ssh-browser",
      title,
      ok: false,
      optional: true,
      detail: "VS Code in a browser cannot open a VM in a window of its own (Remote-SSH needs desktop VS Code); Open offers a terminal in the VM instead.",
    };
  }
  return {
    id: "remote-ssh",
    title,
    ok: false,
    optional: true,
    detail: "No Remote-SSH extension is installed, so VMs cannot be opened in a VS Code window (a terminal in them works).",
    fix: `Install ${installable} from the Extensions view.`,
  };
}
