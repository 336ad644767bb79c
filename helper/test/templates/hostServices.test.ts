// The provision that makes /run/host-services: rendered into every VM, once, before the
// template's own provisions (forwarding can be switched on outside the template, and a template's
// provision may use the folder). That it makes the published image's VM READY is test/e2e/publishedImage.test.ts.
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

test("every VM gets the provision once, before the template's own, forwarding or not", () => {
  const own = { mode: "system", script: "#!/bin/sh\ntrue\n" };
  for (const forwardAgent of [true, false]) {
    const y = render(`images: [{location: /x}]\nssh: {forwardAgent: ${forwardAgent}}\nprovision:\n- mode: system\n  script: |\n    #!/bin/sh\n    true\n`);
    assert.deepEqual(y.provision, [HOST_SERVICES_PROVISION, own]);
  }
  assert.deepEqual(render("images: [{location: /x}]\n").provision, [HOST_SERVICES_PROVISION]);
});

test("host sockets forwarded into /run/host-services add no second provision", () => {
  const sockets = { forwards: [{ hostSocket: "/tmp/docker.sock", guestSocket: "/run/host-services/docker.sock" }], env: {} };
  assert.deepEqual(render("images: [{location: /x}]\n", sockets).provision, [HOST_SERVICES_PROVISION]);
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
