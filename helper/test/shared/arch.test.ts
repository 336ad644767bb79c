import assert from "node:assert/strict";
import { test } from "node:test";
import { archOfSystem, hostArch, hostLinuxSystem } from "../../src/shared/arch";

test("this machine's CPU names one guest arch and one Nix system, and they agree", () => {
  assert.equal(hostArch("arm64"), "aarch64");
  assert.equal(hostArch("x64"), "x86_64");
  assert.equal(hostLinuxSystem("arm64"), "aarch64-linux");
  assert.equal(hostLinuxSystem("x64"), "x86_64-linux");
  for (const cpu of ["arm64", "x64"]) assert.equal(archOfSystem(hostLinuxSystem(cpu)), hostArch(cpu));
});

test("a system nixlima does not build for is refused in one sentence", () => {
  assert.throws(() => archOfSystem("riscv64-linux"), /"riscv64-linux" is not a system nixlima builds images for/);
});
