// explainStartFailure reads the host agent's log that limactl's "exiting, status={…}" points to.
// The lines below are the ones a CI run's failed start wrote (QEMU could not forward the SSH port).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NixlimaError } from "../../src/errors";
import { explainStartFailure } from "../../src/lima/hostagentLog";

const qemuRefused = [
  `{"level":"info","msg":"Waiting for the essential requirement 1 of 3: \`ssh\`","time":"2026-12-01T11:02:54Z"}`,
  `{"level":"debug","msg":"qemu[stderr]: qemu-system-x86_64: -netdev user,id=net0,net=192.168.5.0/24,dhcpstart=192.168.5.15,hostfwd=tcp:127.0.0.1:44011-:22: Could not set up host forwarding rule 'tcp:127.0.0.1:44011-:22'","time":"2026-12-01T11:02:54Z"}`,
  `{"level":"info","msg":"Driver stopped due to error: \`exit status 1\`","time":"2026-12-01T11:02:54Z"}`,
  `{"level":"info","msg":"QEMU has already exited","time":"2026-12-01T11:02:54Z"}`,
];

async function explain(lines: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "nixlima-halog-"));
  try {
    const log = join(dir, "ha.stderr.log");
    writeFileSync(log, lines.join("\n") + "\n");
    const limaSays = new NixlimaError("failed", `exiting, status={Running:false Degraded:false Exiting:true} (hint: see \`${log}\`)`);
    return { ...(await explainStartFailure("vm1", limaSays)), log };
  } finally {
    setTimeout(() => rmSync(dir, { recursive: true, force: true }), 0);
  }
}

test("QEMU's refused port forward becomes a sentence naming the port, marked as a taken port", async () => {
  const { error, hostPortTaken, log } = await explain(qemuRefused);
  assert.equal(error.message, "VM `vm1` failed to start: port 44011 on this computer, chosen for its SSH connection, was already in use.");
  assert.equal(error.hint, `See ${log}.`);
  assert.equal(hostPortTaken, true);
});

test("another QEMU complaint is passed on as QEMU's words, not as a taken port", async () => {
  const other = `{"level":"debug","msg":"qemu[stderr]: qemu-system-x86_64: cannot set up guest memory 'pc.ram': Cannot allocate memory","time":"2026-12-01T11:02:54Z"}`;
  const { error, hostPortTaken } = await explain([other]);
  assert.equal(error.message, "VM `vm1` failed to start: cannot set up guest memory 'pc.ram': Cannot allocate memory");
  assert.equal(hostPortTaken, false);
});

test("a host agent's own error line wins over QEMU's stderr", async () => {
  const fatal = `{"level":"fatal","msg":"guest agent failed","time":"2026-12-01T11:02:55Z"}`;
  const { error, hostPortTaken } = await explain([...qemuRefused, fatal]);
  assert.equal(error.message, "VM `vm1` failed to start: guest agent failed");
  assert.equal(hostPortTaken, false);
});

test("a log with no reason gives a plain sentence, and Lima's status text goes to the detail", async () => {
  const { error, hostPortTaken } = await explain([qemuRefused[0]!]);
  assert.equal(error.message, "VM `vm1` stopped while starting, and Lima gave no reason.");
  assert.match(error.detail ?? "", /^exiting, status=\{/);
  assert.equal(hostPortTaken, false);
});
