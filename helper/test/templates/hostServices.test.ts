// The provision that makes /run/host-services: rendered into a VM exactly when Lima links the
// forwarded ssh agent there or a host socket is forwarded there, once, after the template's own
// provisions. That it makes the published image's VM READY is test/e2e/publishedImage.test.ts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { HOST_SERVICES_PROVISION } from "../../src/templates/hostServices";
import { parseTemplate, renderTemplate } from "../../src/templates/render";
import { limactlPath, repoRoot } from "../../../test/support/lima";

const render = (yaml: string, sockets?: Parameters<typeof renderTemplate>[1]["sockets"]) =>
  parse(renderTemplate(parseTemplate(yaml, "t.yaml"), { sockets }));

test("a forwarded ssh agent gets the provision, after the template's own", () => {
  const own = { mode: "system", script: "#!/bin/sh\ntrue\n" };
  const y = render(`images: [{location: /x}]\nssh: {forwardAgent: true}\nprovision:\n- mode: system\n  script: |\n    #!/bin/sh\n    true\n`);
  assert.deepEqual(y.provision, [own, HOST_SERVICES_PROVISION]);
});

test("a host socket forwarded into /run/host-services gets the provision, from the helper or the template", () => {
  const sockets = { forwards: [{ hostSocket: "/tmp/docker.sock", guestSocket: "/run/host-services/docker.sock" }], env: {} };
  assert.deepEqual(render("images: [{location: /x}]\n", sockets).provision, [HOST_SERVICES_PROVISION]);
  const own = "images: [{location: /x}]\nportForwards:\n- {guestSocket: /run/host-services/x.sock, hostSocket: /tmp/x.sock, reverse: true}\n";
  assert.deepEqual(render(own).provision, [HOST_SERVICES_PROVISION]);
});

test("no agent forwarding and no socket into /run/host-services: no provision", () => {
  assert.equal(render("images: [{location: /x}]\nssh: {forwardAgent: false}\n").provision, undefined);
  const outward = "images: [{location: /x}]\nportForwards:\n- {guestSocket: /run/host-services/x.sock, hostSocket: /tmp/x.sock}\n- {guestSocket: /run/other/y.sock, hostSocket: /tmp/y.sock, reverse: true}\n";
  assert.equal(render(outward).provision, undefined);
});

test("the rendered dev template, with the provision, passes the real limactl validate", () => {
  const dir = mkdtempSync("/tmp/nl-");
  try {
    const file = join(dir, "dev.yaml");
    const rendered = renderTemplate(parseTemplate(readFileSync(join(repoRoot, "templates/dev.yaml"), "utf8"), "dev.yaml"), {});
    assert.deepEqual(parse(rendered).provision, [HOST_SERVICES_PROVISION]);
    writeFileSync(file, rendered);
    const r = spawnSync(limactlPath, ["--tty=false", "validate", file], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
