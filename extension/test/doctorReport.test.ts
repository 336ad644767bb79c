import assert from "node:assert/strict";
import { test } from "node:test";
import { doctorMarkdown } from "../src/doctorReport";

test("the report counts only required checks as problems and shows each fix", () => {
  const md = doctorMarkdown([
    { id: "limactl", title: "limactl", ok: true, detail: "limactl 2.2.0" },
    { id: "virtualization", title: "KVM", ok: false, optional: true, detail: "no /dev/kvm", fix: "enable it" },
    { id: "ssh", title: "OpenSSH client", ok: false, detail: "ssh missing", fix: "install it" },
  ]);
  assert.match(md, /1 of 3 checks need attention/);
  assert.match(md, /## ⚠️ KVM/);
  assert.match(md, /## ❌ OpenSSH client[\s\S]*\*\*Fix:\*\* install it/);
  assert.match(doctorMarkdown([{ id: "a", title: "a", ok: true, detail: "" }]), /Everything nixlima needs is in place/);
});
