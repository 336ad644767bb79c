import assert from "node:assert/strict";
import { test } from "node:test";
import type { Audit, Vm } from "../../../helper/src/protocol";
import { groupFleets } from "../../../helper/src/shared/fleetMembers";
import { describeFleet } from "../../src/tree/fleetGroups";
import { describeVm } from "../../src/tree/format";
import { describeSandbox, hardenDetail, sandboxContext } from "../../src/tree/sandboxFormat";

const vm = (name: string, status: Vm["status"] = "Running", dir = `/l/${name}`): Vm => ({ name, status, dir, hostname: `lima-${name}`, mounts: [], portForwards: [], protected: false, errors: [] });

test("VMs named PREFIX-N group under their fleet in index order; lone or other names stay plain", () => {
  const { fleets, loose } = groupFleets([vm("web-10"), vm("web-2", "Stopped"), vm("web-1", "Broken"), vm("dev"), vm("db-1"), vm("a-1-2"), vm("a-1-3")]);
  assert.deepEqual(fleets.map((f) => [f.prefix, f.members.map((v) => v.name)]), [["a-1", ["a-1-2", "a-1-3"]], ["web", ["web-1", "web-2", "web-10"]]]);
  assert.deepEqual(loose.map((v) => v.name), ["dev", "db-1"]);
  const web = fleets[1]!;
  assert.equal(describeFleet(web), "1 running · 1 stopped · 1 broken");
});

test("a fleet VM still being created is not counted as broken", () => {
  const { fleets } = groupFleets([vm("f-1", "Stopped"), vm("f-2", "Unknown", "")]);
  assert.equal(describeFleet(fleets[0]!), "0 running · 1 stopped · 0 broken");
});

test("a VM in a fleet job shows its own stage; a running task shows beside the status", () => {
  const job = { id: "1", request: { kind: "fleet" as const, fleet: { action: "stop" as const, prefix: "f" } }, state: "running" as const, progress: { stage: "Creating fleet f" }, startedAt: 0, log: [], members: { "f-1": { stage: "Booting" } } };
  assert.equal(describeVm(vm("f-1", "Stopped"), job), "Booting…");
  assert.equal(describeVm(vm("f-2", "Stopped"), job), "Creating fleet f…");
  const task = { id: "2", request: { kind: "dispatch" as const, vm: "d", dispatch: { agent: "codex" as const, prompt: "x" } }, state: "running" as const, progress: { stage: "Round 1 of 3" }, startedAt: 0, log: [] };
  assert.equal(describeVm(vm("d"), undefined, task), "Running · codex: Round 1 of 3");
});

const audit = (over: Partial<Audit>): Audit => ({
  vm: "s",
  status: "Stopped",
  mounts: [],
  homeExposure: "none",
  forwardAgent: false,
  loadDotSSHPubKeys: false,
  portForwards: [],
  networkModes: ["user-mode"],
  agent: { source: "cache", autonomousMode: true, egressAllow: ["api.anthropic.com"] },
  unrestrictedNetwork: false,
  sandbox: true,
  flagged: false,
  summary: "fine",
  findings: [],
  hardenChanges: [],
  ...over,
});

test("the Sandbox row: flagged shows the audit's explanation; Harden only on a stopped flagged VM with changes", () => {
  const flagged = audit({ flagged: true, summary: "Agents run here without asking and have your SSH agent.", forwardAgent: true, hardenChanges: ["set ssh.forwardAgent: false"] });
  assert.equal(describeSandbox(flagged), flagged.summary);
  assert.equal(sandboxContext(flagged), "sandbox+flagged+stopped");
  assert.equal(sandboxContext({ ...flagged, status: "Running" }), "sandbox+flagged");
  assert.equal(sandboxContext({ ...flagged, hardenChanges: [] }), "sandbox+flagged", "a network-only flag has nothing harden can fix");
  assert.equal(describeSandbox(audit({})), "autonomous agents · home not exposed · no SSH agent · egress: 1 hosts");
  assert.equal(sandboxContext(audit({})), "sandbox");
  // A VM whose guest does not show the sandbox (the published image) says so first.
  const open = audit({ sandbox: false, unrestrictedNetwork: true, agent: { source: "guest" } });
  assert.equal(describeSandbox(open), "not a sandbox · home not exposed · no SSH agent · open network");
  assert.equal(hardenDetail(["a"], ["b"]), "• a\n\nNot changed by this:\n• b");
});
