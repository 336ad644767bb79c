// parseList against output recorded from the real limactl 2.2.0 (fixtures/record.sh): a protected
// dummy, an instance with fields nixlima does not know, a folder without lima.yaml (Broken) and two
// with a bad lima.yaml (status "").
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseList, withSince, withTemplate } from "../../src/lima/list";
import { Vm } from "../../src/protocol";

const fixture = (f: string) => readFileSync(join(import.meta.dirname, "fixtures", f), "utf8");
const byName = (vms: Vm[]) => new Map(vms.map((v) => [v.name, v]));

for (const file of ["list.ndjson", "list-readable.ndjson"]) {
  test(`${file}: every instance is kept, in order, and matches the protocol schema`, () => {
    const vms = parseList(fixture(file));
    assert.deepEqual(
      vms.map((v) => v.name),
      ["badyaml", "brokendir", "dummy", "extra.one", "invalid"],
    );
    for (const vm of vms) Vm.parse(vm);
  });

  test(`${file}: a stopped dummy has sizes in bytes, its user and protection`, () => {
    const dummy = byName(parseList(fixture(file))).get("dummy")!;
    assert.equal(dummy.status, "Stopped");
    assert.equal(dummy.memoryBytes, 4 * 1024 ** 3);
    assert.equal(dummy.diskBytes, 1024 ** 2);
    assert.equal(dummy.cpus, 2);
    assert.equal(dummy.vmType, "qemu");
    assert.equal(dummy.arch, "x86_64");
    assert.equal(dummy.hostname, "lima-dummy");
    assert.equal(dummy.guestUser, "nixlima-test");
    assert.equal(dummy.guestHome, "/home/nixlima-test.guest");
    assert.equal(dummy.protected, true);
    assert.equal(dummy.limaVersion, "v2.2.0");
    assert.deepEqual(dummy.mounts, []);
    assert.deepEqual(dummy.errors, []);
  });

  test(`${file}: unknown fields are ignored; mounts, port forwards, agent forwarding come from config`, () => {
    const extra = byName(parseList(fixture(file))).get("extra.one")!;
    assert.equal(extra.hostname, "lima-extra-one");
    assert.deepEqual(extra.mounts, [
      { location: "/home/nixlima-test", mountPoint: "/home/nixlima-test", writable: true },
      { location: "/tmp/x", mountPoint: "/mnt/x", writable: false },
    ]);
    assert.deepEqual(extra.portForwards, [
      { guestPort: 80, hostPort: 8080, proto: "any" },
      { guestSocket: "/run/a.sock", hostSocket: "/tmp/a.sock", proto: "any" },
      { proto: "any", ignore: true },
    ]);
    assert.equal(extra.forwardAgent, true);
    assert.equal(Object.hasOwn(extra, "message"), false);
  });

  test(`${file}: a folder without lima.yaml is Broken with a readable error and a hostname`, () => {
    const broken = byName(parseList(fixture(file))).get("brokendir")!;
    assert.equal(broken.status, "Broken");
    assert.equal(broken.hostname, "lima-brokendir");
    assert.equal(broken.vmType, undefined);
    assert.equal(broken.errors.length, 1);
    assert.match(broken.errors[0]!, /^open \/tmp\/nl-\w+\/brokendir\/lima\.yaml: no such file or directory$/);
  });
}

test('status "" becomes Unknown; the template form carries Lima\'s own reason', () => {
  const plain = byName(parseList(fixture("list.ndjson")));
  const readable = byName(parseList(fixture("list-readable.ndjson")));
  for (const name of ["badyaml", "invalid"]) {
    assert.equal(plain.get(name)!.status, "Unknown");
    assert.equal(readable.get(name)!.status, "Unknown");
    // `list --json` loses the Go error ({} deleted by yq): a generic, actionable line remains.
    assert.match(plain.get(name)!.errors[0]!, /limactl validate .*\/lima\.yaml/);
  }
  assert.match(readable.get("badyaml")!.errors[0]!, /failed to unmarshal YAML .*sequence end token/);
  assert.equal(readable.get("invalid")!.errors[0], "field `images` must be set");
});

test("an empty list (no instances) is an empty array", () => {
  assert.deepEqual(parseList(""), []);
  assert.deepEqual(parseList("\n"), []);
});

test("a field of an unexpected type is dropped, not fatal for the line", () => {
  const [vm] = parseList('{"name":"x","status":"Running","dir":"/d","memory":"4GiB","cpus":2,"future":{"a":1}}');
  assert.equal(vm!.status, "Running");
  assert.equal(vm!.memoryBytes, undefined);
  assert.equal(vm!.cpus, 2);
});

test("output that is not NDJSON (e.g. a pretty-printed TTY dump) is an error, not a silent empty list", () => {
  assert.throws(() => parseList('{\n  "name": "x"\n}'), { code: "failed" });
  assert.throws(() => parseList('{"status":"Running"}'), { code: "failed" });
});

test("a stopped VM has no SSH port: Lima's last one is stale until the next start", () => {
  const line = fixture("list.ndjson").split("\n").find((l) => l.includes('"name":"dummy"'))!;
  const withPort = (status: string) => line.replace(/"status":"[^"]*"/, `"status":"${status}"`).replace(/"sshLocalPort":\d+,?/, "").replace("{", '{"sshLocalPort":41234,');
  assert.equal(parseList(withPort("Stopped"))[0]!.sshLocalPort, undefined);
  assert.equal(parseList(withPort("Running"))[0]!.sshLocalPort, 41234);
});

test("since when a VM is in its state, from its folder's files", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nl-since-"));
  try {
    const at = (f: string, seconds: number) => {
      writeFileSync(join(dir, f), "1\n");
      utimesSync(join(dir, f), seconds, seconds);
    };
    const vm: Vm = { name: "x", status: "Running", dir, hostname: "lima-x", mounts: [], portForwards: [], protected: false, errors: [] };
    assert.equal((await withSince(vm)).since, undefined, "nothing to go by");
    at("ha.pid", 1_700_000_000);
    at("ha.stderr.log", 1_700_000_500);
    at("lima.yaml", 1_600_000_000);
    assert.equal((await withSince(vm)).since, 1_700_000_000_000, "running since its host agent started");
    assert.equal((await withSince({ ...vm, status: "Stopped" })).since, 1_700_000_500_000, "stopped since its last log line");
    assert.equal((await withSince({ ...vm, status: "Broken" })).since, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the nixlima template a VM was made from, from its lima.yaml's first lines", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nl-tpl-"));
  try {
    const vm: Vm = { name: "x", status: "Running", dir, hostname: "lima-x", mounts: [], portForwards: [], protected: false, errors: [] };
    assert.equal((await withTemplate(vm)).template, undefined, "no lima.yaml");
    writeFileSync(join(dir, "lima.yaml"), "images: []\n");
    assert.equal((await withTemplate(vm)).template, undefined, "not one of nixlima's");
    writeFileSync(join(dir, "lima.yaml"), '# nixlima template "agent": an isolated sandbox\nimages: []\n');
    assert.equal((await withTemplate(vm)).template, "agent");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
