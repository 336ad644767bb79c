import assert from "node:assert/strict";
import { test } from "node:test";
import type { NixlimaError } from "../../src/errors";
import { checkNameIsFree, checkVmName, limaHostname } from "../../src/shared/vmNames";

test("names Lima accepts pass", () => {
  for (const name of ["a", "default", "my-vm", "my_vm.2", "A1b2", "x".repeat(76), "nixos-24.11"]) {
    assert.doesNotThrow(() => checkVmName(name), name);
  }
});

test("names Lima refuses fail with invalid-name and one sentence plus a hint", () => {
  for (const name of ["", "-a", "a-", "a..b", "a b", "a/b", "../etc", "_hidden", "a--b", "é", "x".repeat(77), "vm.yaml", "VM.YML", "a;rm -rf"]) {
    assert.throws(
      () => checkVmName(name),
      (err: any) => err.code === "invalid-name" && /^[^\n]+$/.test(err.message) && typeof err.hint === "string",
      JSON.stringify(name),
    );
  }
});

test("the length limit message says the limit", () => {
  assert.throws(() => checkVmName("x".repeat(77)), /at most 76/);
});

test("hostnames follow Lima: '.' and '_' become '-'", () => {
  assert.equal(limaHostname("my_vm.2"), "lima-my-vm-2");
});

test("a new name must differ from existing ones by more than letter case", () => {
  assert.doesNotThrow(() => checkNameIsFree("dev2", ["dev", "agent-1"]));
  assert.doesNotThrow(() => checkNameIsFree("dev", []));
  assert.throws(() => checkNameIsFree("dev", ["agent-1", "dev"]), { code: "already-exists", message: "A VM named `dev` already exists." });
  assert.throws(() => checkNameIsFree("Dev", ["dev"]), (err: NixlimaError) => {
    assert.equal(err.code, "already-exists");
    assert.equal(err.message, "`Dev` differs from the existing VM `dev` only in letter case, which macOS disks do not tell apart.");
    assert.match(err.hint!, /another name/);
    return true;
  });
});
