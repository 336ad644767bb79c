// The Doctor page: a state, a reason and a fix to click for every check, and counts that match.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DoctorCheck } from "../../helper/src/protocol";
import { checkState, doctorHtml, doctorSummary, fixLinks } from "../src/doctorReport";

const checks: DoctorCheck[] = [
  { id: "limactl", title: "limactl", ok: true, detail: "limactl 2.2.0" },
  { id: "virtualization", title: "KVM", ok: false, optional: true, detail: "no /dev/kvm", fix: "enable it" },
  { id: "ssh", title: "OpenSSH client", ok: false, detail: "ssh missing", fix: "install it" },
  { id: "nix", title: "Nix", ok: false, optional: true, detail: "cannot read the flake", fix: "Use `nix` 2.4 <or newer>" },
  { id: "guest-nix-ld:dev", title: 'VS Code can run in "dev"', ok: false, detail: "no nix-ld" },
];

test("every check has a state, and the summary counts exactly the checks shown", () => {
  assert.deepEqual(checks.map(checkState), ["ok", "advice", "problem", "advice", "problem"]);
  const s = doctorSummary(checks);
  assert.equal(s.ok + s.advice + s.problem, checks.length);
  assert.equal(s.text, "1 of 5 checks pass; 2 must be fixed before nixlima can run VMs; 2 are advice for optional features.");
  assert.equal(doctorSummary([checks[0]!]).text, "All 1 checks pass: everything nixlima needs is in place.");
});

test("the page shows each check with its state, reason and fix; counts in the page match its sections", () => {
  const html = doctorHtml(checks);
  const sections = [...html.matchAll(/<section class="check (\w+)" data-id="([^"]+)"/g)];
  assert.deepEqual(sections.map((m) => m[2]), checks.map((c) => c.id));
  assert.equal(sections.filter((m) => m[1] === "problem").length, 2);
  assert.match(html, /<p class="summary">1 of 5 checks pass/);
  // Text is escaped; code spans are code, never literal backticks.
  assert.match(html, /Use <code>nix<\/code> 2\.4 &#60;or newer&#62;/);
  assert.doesNotMatch(html, /`/);
  assert.match(html, /Content-Security-Policy/);
  assert.doesNotMatch(html, /<script/);
});

test("fixes are clickable: a setting, a command or a link, where there is one", () => {
  const limactl = fixLinks({ id: "limactl", title: "limactl", ok: false, detail: "not found" });
  assert.deepEqual(limactl.map((l) => l.href), [
    "https://lima-vm.io/docs/installation/",
    `command:workbench.action.openSettings?${encodeURIComponent('["nixlima.limactlPath"]')}`,
  ]);
  assert.equal(fixLinks(checks[4]!)[0]!.href, "command:nixlima.rebuildVm");
  assert.match(fixLinks({ id: "remote-ssh", title: "", ok: false, detail: "" }, "jeanp413.open-remote-ssh")[0]!.href, /workbench\.extensions\.search\?.*jeanp413/);
  assert.deepEqual(fixLinks(checks[0]!), []);
  assert.match(doctorHtml(checks), /<a href="command:nixlima\.rebuildVm">Rebuild VM…<\/a>/);
});
