// The doctor's report as the read-only page the extension shows: every check with its state, its
// one-line reason and, where there is one, a fix to click (a command, a setting, a link). Pure,
// so the words and the counts are tested without VS Code.
import type { DoctorCheck } from "../../helper/src/protocol";

export type CheckState = "ok" | "advice" | "problem";

/** A failing optional check (Nix, KVM, nixlima's ssh Include) is advice: VMs work without it. */
export function checkState(c: DoctorCheck): CheckState {
  return c.ok ? "ok" : c.optional ? "advice" : "problem";
}

export interface DoctorSummary {
  ok: number;
  advice: number;
  problem: number;
  text: string;
}

/** The counts of the checks shown below it, and the sentence they make. */
export function doctorSummary(checks: DoctorCheck[]): DoctorSummary {
  const count = (s: CheckState) => checks.filter((c) => checkState(c) === s).length;
  const [ok, advice, problem] = [count("ok"), count("advice"), count("problem")];
  const parts = [`${ok} of ${checks.length} checks pass`];
  if (problem) parts.push(`${problem} must be fixed before nixlima can run VMs`);
  if (advice) parts.push(`${advice} ${advice === 1 ? "is" : "are"} advice for optional features`);
  const text = problem === 0 && advice === 0 ? `All ${checks.length} checks pass: everything nixlima needs is in place.` : `${parts.join("; ")}.`;
  return { ok, advice, problem, text };
}

export interface FixLink {
  label: string;
  href: string;
}

const command = (id: string, ...args: unknown[]) => `command:${id}${args.length ? `?${encodeURIComponent(JSON.stringify(args))}` : ""}`;
const setting = (id: string) => command("workbench.action.openSettings", id);

/** The clickable ways to fix a failing check, by its id. */
export function fixLinks(c: DoctorCheck, remoteSshId = "ms-vscode-remote.remote-ssh"): FixLink[] {
  if (c.ok) return [];
  const id = c.id.replace(/:.*$/, "");
  switch (id) {
    case "limactl":
      return [
        { label: "Install Lima", href: "https://lima-vm.io/docs/installation/" },
        { label: "Set the limactl path", href: setting("nixlima.limactlPath") },
      ];
    case "ssh-include":
      return [{ label: "ssh config setting", href: setting("nixlima.manageSshConfig") }];
    case "virtualization":
      return [{ label: "About Lima's VM types", href: "https://lima-vm.io/docs/config/vmtype/" }];
    case "nix":
      return [{ label: "Install Nix", href: "https://nixos.org/download" }, { label: "Flake setting", href: setting("nixlima.flake") }];
    case "nix-builder":
      return [{ label: "Remote builders in the Nix manual", href: "https://nix.dev/manual/nix/latest/advanced-topics/distributed-builds" }];
    case "guest-nix-ld":
      return [{ label: "Rebuild VM…", href: command("nixlima.rebuildVm") }];
    case "remote-ssh":
      return [{ label: "Install Remote-SSH", href: command("workbench.extensions.search", remoteSshId) }];
    default:
      return [];
  }
}

// Plain symbols every font has (emoji may render as boxes).
const ICON: Record<CheckState, string> = { ok: "✓", advice: "⚠", problem: "✗" };
const STATE_WORD: Record<CheckState, string> = { ok: "passes", advice: "advice", problem: "must be fixed" };

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Escaped text whose `code` spans become <code>: in a page they read as code, not as backticks. */
function inline(text: string): string {
  return escape(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

/** The whole page; styles only (no script), so the webview needs nothing but command links. */
export function doctorHtml(checks: DoctorCheck[], remoteSshId?: string): string {
  const summary = doctorSummary(checks);
  const rows = checks.map((c) => {
    const state = checkState(c);
    const links = fixLinks(c, remoteSshId).map((l) => `<a href="${escape(l.href)}">${escape(l.label)}</a>`);
    return [
      `<section class="check ${state}" data-id="${escape(c.id)}" data-state="${state}">`,
      `<h2><span aria-label="${STATE_WORD[state]}">${ICON[state]}</span> ${escape(c.title)}</h2>`,
      `<p>${inline(c.detail)}</p>`,
      c.fix && !c.ok ? `<p class="fix"><strong>Fix:</strong> ${inline(c.fix)}</p>` : "",
      links.length ? `<p class="links">${links.join(" · ")}</p>` : "",
      "</section>",
    ].join("");
  });
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<title>nixlima Doctor</title>
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1.5em; line-height: 1.5; }
.check { border-left: 3px solid var(--vscode-testing-iconPassed, green); padding: 0.1em 1em; margin: 0.8em 0; }
.check.advice { border-color: var(--vscode-editorWarning-foreground, orange); }
.check.problem { border-color: var(--vscode-editorError-foreground, red); }
h2 { font-size: 1.05em; margin: 0.4em 0 0.2em; }
p { margin: 0.2em 0; }
code { font-family: var(--vscode-editor-font-family); }
a { color: var(--vscode-textLink-foreground); }
</style></head>
<body>
<h1>nixlima Doctor</h1>
<p class="summary">${escape(summary.text)}</p>
<p><a href="${command("nixlima.doctor")}">Check again</a> · <a href="${command("nixlima.showOutput")}">Show Log</a></p>
${rows.join("\n")}
</body></html>`;
}
