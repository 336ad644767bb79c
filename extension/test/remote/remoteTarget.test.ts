import assert from "node:assert/strict";
import { test } from "node:test";
import type { Vm } from "../../../helper/src/protocol";
import { expandPath } from "../../src/remote/expandPath";
import { remoteTarget, remoteUriString } from "../../src/remote/remoteTarget";

const vm: Vm = {
  name: "dev",
  status: "Running",
  dir: "/home/alice/.lima/dev",
  hostname: "lima-dev",
  guestHome: "/home/alice.guest",
  mounts: [],
  portForwards: [],
  protected: false,
  errors: [],
};

test("a VM without a project mount opens the guest home over ssh-remote+lima-NAME", () => {
  const t = remoteTarget(vm, "/home/alice");
  assert.deepEqual(t, { authority: "ssh-remote+lima-dev", folder: "/home/alice.guest" });
  assert.equal(remoteUriString(t), "vscode-remote://ssh-remote+lima-dev/home/alice.guest");
});

test("the project folder's mount point wins over the home folder mount, writable first", () => {
  const mounts = [
    { location: "~", mountPoint: "/home/alice", writable: false },
    { location: "/home/alice/docs", mountPoint: "/mnt/docs", writable: false },
    { location: "/home/alice/src/app", mountPoint: "/home/alice/src/app", writable: true },
  ];
  assert.equal(remoteTarget({ ...vm, mounts }, "/home/alice").folder, "/home/alice/src/app");
});

test("a per-VM setting overrides, and the host alias follows Lima's hostname", () => {
  const t = remoteTarget({ ...vm, name: "my.vm", hostname: "lima-my-vm" }, "/home/alice", { "my.vm": "srv/x" });
  assert.deepEqual(t, { authority: "ssh-remote+lima-my-vm", folder: "/srv/x" });
});

test("folders with spaces are percent-encoded in the URI, slashes kept", () => {
  assert.equal(remoteUriString({ authority: "ssh-remote+lima-dev", folder: "/home/a b/c#d" }), "vscode-remote://ssh-remote+lima-dev/home/a%20b/c%23d");
});

test("Remote-SSH's configFile is expanded like Remote-SSH does", () => {
  assert.equal(expandPath("~/.ssh/work", {}, "/home/alice"), "/home/alice/.ssh/work");
  assert.equal(expandPath("${userHome}/x", {}, "/home/alice"), "/home/alice/x");
  assert.equal(expandPath("${env:CFG}/config", { CFG: "/etc/ssh" }, "/h"), "/etc/ssh/config");
  assert.equal(expandPath("/abs/~x", {}, "/h"), "/abs/~x");
});
