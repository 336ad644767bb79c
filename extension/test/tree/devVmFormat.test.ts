// The dev VM's status bar text: its state, what a click does, and a VM that is gone.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Job, Vm } from "../../../helper/src/protocol";
import { devVmStatusText } from "../../src/tree/devVmFormat";
import { diskText } from "../../src/tree/format";
import { pkg, shownFor } from "../support/manifest";

const vm = (over: Partial<Vm>): Vm => ({ name: "dev", status: "Stopped", dir: "/l/dev", hostname: "lima-dev", mounts: [], portForwards: [], protected: false, errors: [], ...over });

test("running, stopped, busy and missing dev VMs each say what they are and what a click does", () => {
  const running = devVmStatusText("dev", vm({ status: "Running", protected: true, startsAtLogin: true }), undefined);
  assert.equal(running.text, "$(vm-running) dev");
  assert.equal(running.tooltip, 'Your dev VM "dev": Running (protected against deletion, starts at login). Click to open it over Remote-SSH.');
  assert.match(devVmStatusText("dev", vm({}), undefined).tooltip, /: Stopped\. Click to start it and open it over Remote-SSH\.$/);
  const job = { request: { kind: "start", vm: "dev" }, progress: { stage: "Booting" } } as Job;
  assert.equal(devVmStatusText("dev", vm({}), job).text, "$(loading~spin) dev: Booting");
  assert.match(devVmStatusText("gone", undefined, undefined).text, /gone: missing$/);
});

test("Make This My Dev VM is in the row menu of running and stopped VMs, and the dev VM is a setting", () => {
  for (const row of ["vm+running", "vm+stopped"]) assert.ok(shownFor(row).includes("nixlima.setDevVm"), row);
  assert.ok(!shownFor("vm+busy").includes("nixlima.setDevVm"));
  assert.equal(pkg.contributes.configuration.properties["nixlima.devVm"]?.default, "");
});

test("a VM's disk: what it really takes on the host, of its nominal size", () => {
  assert.equal(diskText(vm({ diskBytes: 20 * 2 ** 30, diskUsedBytes: 3.25 * 2 ** 30 })), "3.3 GiB used of 20 GiB");
  assert.equal(diskText(vm({ diskBytes: 20 * 2 ** 30 })), "20 GiB");
});
