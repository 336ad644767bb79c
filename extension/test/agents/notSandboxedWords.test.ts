import assert from "node:assert/strict";
import { test } from "node:test";
import type { Audit } from "../../../helper/src/protocol";
import { notSandboxedQuestion } from "../../src/agents/notSandboxedWords";

// Only the fields the question reads; the rest of an Audit does not matter to it.
const audit = (sandbox: boolean, detail?: string) =>
  ({ sandbox, summary: "open network", findings: detail ? [{ id: "sandbox", level: "warning", title: "t", detail }] : [] }) as unknown as Audit;

test("every VM a proven sandbox: no question", () => {
  assert.equal(notSandboxedQuestion([{ vm: "a", audit: audit(true) }, { vm: "b", audit: audit(true) }]), undefined);
});

test("one VM that is not a sandbox: named, asked, and told what its guest lacks", () => {
  const q = notSandboxedQuestion([{ vm: "dev", audit: audit(false, "The guest lacks nixlima's agent module.") }]);
  assert.equal(q?.message, "dev is not an agent sandbox. Dispatch anyway?");
  assert.match(q!.detail, /^The agent runs with its permission checks off and with what the VM's own user has, passwordless sudo included\.\n\nThe guest lacks nixlima's agent module\.$/);
});

test("a VM whose audit failed is not called a sandbox either; a fleet names only the unproven ones", () => {
  const q = notSandboxedQuestion([
    { vm: "f-1", audit: audit(true) },
    { vm: "f-2", audit: audit(false) },
    { vm: "f-3", error: "The VM is not running." },
  ]);
  assert.equal(q?.message, "2 VMs are not agent sandboxes (f-2, f-3). Dispatch anyway?");
  assert.match(q!.detail, /^f-2: open network$/m);
  assert.match(q!.detail, /^f-3: nixlima could not check its guest: The VM is not running\.$/m);
  assert.doesNotMatch(q!.detail, /f-1/);
});
