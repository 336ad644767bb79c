// Rendering templates: comments and quoting survive, nixlima's fields are set, images ordered,
// and every bad input is refused before anything is created. No limactl here.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parse } from "yaml";
import { NixlimaError } from "../../src/errors";
import { hostLinuxSystem } from "../../src/shared/arch";
import { archOfSystem } from "../../src/shared/arch";
import { describe as describeTemplate, listTemplates, resolveTemplate, templatesDir } from "../../src/templates/catalog";
import { prepareCreate } from "../../src/templates/prepare";
import { PRESETS } from "../../src/shared/presets";
import { parseTemplate, renderTemplate } from "../../src/templates/render";
import { HOST_SERVICES_PROVISION } from "../../src/templates/hostServices";
import { repoRoot } from "../../../test/support/lima";

const tmp = mkdtempSync("/tmp/nl-");
after(() => rmSync(tmp, { recursive: true, force: true }));
const templatePath = (name: string) => join(repoRoot, "templates", `${name}.yaml`);
const text = (name: string) => readFileSync(templatePath(name), "utf8");
const hostArch = archOfSystem(hostLinuxSystem());

function errorOf(fn: () => Promise<unknown>): Promise<NixlimaError> {
  return fn().then(
    () => assert.fail("expected an error"),
    (err: unknown) => {
      assert.ok(err instanceof NixlimaError, String(err));
      assert.doesNotMatch(err.message, /\n/, "one line");
      return err;
    },
  );
}

test("rendering sets cpus, memory, disk and mounts, and keeps every comment and the quoting", () => {
  const original = text("agent");
  const out = renderTemplate(parseTemplate(original, "agent.yaml"), {
    cpus: 3,
    memoryGiB: 5.5,
    diskGiB: 12,
    mounts: [{ location: "/srv/project", writable: true }, { location: "/srv/data", writable: false }],
  });
  const y = parse(out);
  assert.equal(y.cpus, 3);
  assert.equal(y.memory, "5.5GiB");
  assert.equal(y.disk, "12GiB");
  assert.deepEqual(y.mounts, [{ location: "/srv/project", writable: true }, { location: "/srv/data", writable: false }]);
  for (const comment of original.split("\n").filter((l) => l.trimStart().startsWith("#"))) {
    assert.ok(out.includes(comment.trim()), `comment kept: ${comment}`);
  }
  assert.match(out, /^memory: "5\.5GiB"$/m, "the double quotes of the template stay");
  assert.match(out, /^ {2}forwardAgent: false$/m);
  // Untouched fields are unchanged, and long digests are not folded.
  assert.deepEqual(y.images, parse(original).images);
  assert.deepEqual(y.portForwards, parse(original).portForwards);
  assert.ok(out.includes(parse(original).images[0].digest), "digest on one line");
});

test("rendering with nothing to change gives back the template's data, plus the host-services provision", () => {
  for (const name of ["dev", "minimal"]) {
    const { provision, ...rest } = parse(renderTemplate(parseTemplate(text(name), `${name}.yaml`), {}));
    const { provision: own, ...template } = parse(text(name));
    assert.deepEqual(rest, template, name);
    assert.deepEqual(provision, [HOST_SERVICES_PROVISION, ...(own ?? [])], name);
  }
});

test("a tiny disk is written in plain notation (go-units cannot read 1e-7)", () => {
  const out = renderTemplate(parseTemplate("images: []\n", "t.yaml"), { diskGiB: 1e-7, memoryGiB: 0.5 });
  assert.equal(parse(out).disk, "0.0000001GiB");
  assert.equal(parse(out).memory, "0.5GiB");
});

test("--image replaces the images; a built image goes first with its arch, the published ones after", () => {
  const replaced = parse(renderTemplate(parseTemplate(text("minimal"), "m"), { images: { mode: "replace", entries: [{ location: "/img/x.qcow2" }] } }));
  assert.deepEqual(replaced.images, [{ location: "/img/x.qcow2" }]);
  const prepended = parse(
    renderTemplate(parseTemplate(text("minimal"), "m"), { images: { mode: "prepend", entries: [{ location: "/img/b.qcow2", arch: "x86_64" }] } }),
  );
  assert.deepEqual(prepended.images[0], { location: "/img/b.qcow2", arch: "x86_64" });
  assert.deepEqual(prepended.images.slice(1), parse(text("minimal")).images);
});

test("a YAML error names the file, line and column", () => {
  const file = join(tmp, "broken.yaml");
  const err = (() => {
    try {
      parseTemplate("# a comment\ncpus: 2\nmemory: 4GiB\ncpus: 3\n", file);
    } catch (e) {
      return e as NixlimaError;
    }
    return assert.fail("no error");
  })();
  assert.ok(err instanceof NixlimaError);
  assert.match(err.message, new RegExp(`^The template ${file} has a YAML error at line 4, column 1: Map keys must be unique\\.$`));
  assert.doesNotMatch(err.message, /\n/);
  assert.throws(() => parseTemplate("- just\n- a list\n", file), /is not a Lima template/);
});

test("templates lists the bundled three, smallest first, with descriptions and resources", async () => {
  const list = await listTemplates();
  assert.deepEqual(
    list.map((t) => [t.name, t.cpus, t.memoryGiB, t.diskGiB]),
    [
      ["minimal", 2, 4, 20],
      ["dev", 4, 8, 50],
      ["agent", 4, 6, 30],
    ],
  );
  assert.equal(list[2]!.description, "An isolated sandbox where coding agents run with full permissions.");
  assert.equal(list[0]!.path, templatePath("minimal"));
  assert.equal(describeTemplate("\n# my own template: does things\ncpus: 1\n"), "My own template: does things");
});

test("the templates folder: NIXLIMA_TEMPLATES wins, else the repository's templates/ from source", async () => {
  assert.equal(templatesDir({}), join(repoRoot, "templates"));
  const own = join(tmp, "own");
  mkdirSync(own);
  writeFileSync(join(own, "tiny.yaml"), "# Tiny: one CPU\ncpus: 1\nmemory: 512MiB\n");
  const list = await listTemplates({ NIXLIMA_TEMPLATES: own });
  assert.deepEqual(list, [{ name: "tiny", description: "Tiny: one CPU", path: join(own, "tiny.yaml"), cpus: 1, memoryGiB: 0.5 }]);
  assert.equal((await resolveTemplate("tiny", { NIXLIMA_TEMPLATES: own })).path, join(own, "tiny.yaml"));
});

test("presets follow the seeds' table", () => {
  assert.deepEqual(PRESETS, {
    light: { cpus: 2, memoryGiB: 4, diskGiB: 20 },
    medium: { cpus: 4, memoryGiB: 6, diskGiB: 30 },
    heavy: { cpus: 6, memoryGiB: 8, diskGiB: 50 },
  });
});

test("the user's newest built image for the template and this arch goes first", async () => {
  const limaHome = mkdtempSync(join(tmp, "home-"));
  const images = join(limaHome, "_images");
  mkdirSync(images);
  const other = hostArch === "x86_64" ? "aarch64" : "x86_64";
  const files = {
    old: `nixlima-minimal-${hostArch}-20260101.qcow2`,
    new: `nixlima-minimal-${hostArch}-20260301.qcow2`,
    otherArch: `nixlima-minimal-${other}-20260401.qcow2`,
    otherImage: `nixlima-dev-${hostArch}-20260401.qcow2`,
  };
  let t = Date.now() / 1000 - 1000;
  for (const f of Object.values(files)) {
    writeFileSync(join(images, f), "a small stand-in for a qcow2\n");
    utimesSync(join(images, f), t, t);
    t += 100;
  }
  symlinkSync(files.new, join(images, `nixlima-minimal-${hostArch}-latest.qcow2`));
  const prepared = await prepareCreate("b1", { template: "minimal" }, limaHome);
  const y = parse(prepared.yaml);
  assert.deepEqual(y.images[0], { location: join(images, files.new), arch: hostArch });
  assert.deepEqual(y.images.slice(1), parse(text("minimal")).images, "the published images stay as the fallback");
  assert.equal(prepared.image, join(images, files.new));

  // No build for this template: the template's images as they are.
  const agent = await prepareCreate("b2", { template: "agent" }, limaHome);
  assert.deepEqual(parse(agent.yaml).images, parse(text("agent")).images);
  // --image wins over a built image.
  const given = await prepareCreate("b3", { template: "minimal", image: "/etc/profile" }, limaHome);
  assert.deepEqual(parse(given.yaml).images, [{ location: "/etc/profile" }]);
});

test("a relative --image and ~ in a mount are made absolute", async () => {
  const project = mkdtempSync(join(homedir(), ".nl-test-"));
  try {
    const rel = `~/${project.slice(homedir().length + 1)}`;
    const cwd = process.cwd();
    process.chdir("/etc");
    try {
      const p = await prepareCreate("abs", { template: "dev", image: "profile", mounts: [{ location: rel, writable: true }] }, tmp);
      const y = parse(p.yaml);
      assert.deepEqual(y.images, [{ location: "/etc/profile" }]);
      assert.deepEqual(y.mounts, [{ location: project, writable: true }]);
    } finally {
      process.chdir(cwd);
    }
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test("bad input: each a clear sentence with a code", async () => {
  const cases: [string, () => Promise<unknown>, string, RegExp][] = [
    ["invalid name", () => prepareCreate("a..b", { template: "minimal" }, tmp), "invalid-name", /not a valid VM name/],
    ["unknown template", () => prepareCreate("x", { template: "huge" }, tmp), "not-found", /no template named "huge"; the templates are minimal, dev, agent\./],
    ["missing template file", () => prepareCreate("x", { template: "/nope/t.yaml" }, tmp), "not-found", /template file \/nope\/t\.yaml does not exist/],
    ["missing image", () => prepareCreate("x", { template: "minimal", image: "/nope/img.qcow2" }, tmp), "not-found", /image \/nope\/img\.qcow2 does not exist/],
    ["image is a folder", () => prepareCreate("x", { template: "minimal", image: "/etc" }, tmp), "failed", /not a file/],
    ["missing mount", () => prepareCreate("x", { template: "dev", mounts: [{ location: "/nope/dir", writable: true }] }, tmp), "not-found", /folder \/nope\/dir to mount does not exist/],
    ["mount is a file", () => prepareCreate("x", { template: "dev", mounts: [{ location: "/etc/profile", writable: false }] }, tmp), "failed", /is not a folder/],
    ["zero cpus", () => prepareCreate("x", { template: "minimal", cpus: 0 }, tmp), "usage", /CPUs must be a positive whole number/],
    ["fractional cpus", () => prepareCreate("x", { template: "minimal", cpus: 1.5 }, tmp), "usage", /whole number/],
    ["negative memory", () => prepareCreate("x", { template: "minimal", memoryGiB: -1 }, tmp), "usage", /memory \(GiB\) must be a positive number/],
    ["NaN disk", () => prepareCreate("x", { template: "minimal", diskGiB: Number.NaN }, tmp), "usage", /disk size \(GiB\) must be a/],
    ["writable home", () => prepareCreate("x", { template: "dev", mounts: [{ location: "~", writable: true }] }, tmp), "failed", /writable mount .* home folder/],
    ["writable ancestor of home", () => prepareCreate("x", { template: "dev", mounts: [{ location: "/", writable: true }] }, tmp), "failed", /home folder/],
  ];
  for (const [what, fn, code, message] of cases) {
    const err = await errorOf(fn);
    assert.equal(err.code, code, `${what}: ${err.message}`);
    assert.match(err.message, message, what);
  }
});

test("a writable home mount passes with consent, and a read-only one always", async () => {
  const p = await prepareCreate("h", { template: "dev", mounts: [{ location: "~", writable: true }], allowHomeWrite: true }, tmp);
  assert.deepEqual(parse(p.yaml).mounts, [{ location: homedir(), writable: true }]);
  const ro = await prepareCreate("h", { template: "dev", mounts: [{ location: "~", writable: false }] }, tmp);
  assert.deepEqual(parse(ro.yaml).mounts, [{ location: homedir(), writable: false }]);
});

test("a PATH template's own writable home mount is refused too", async () => {
  const file = join(tmp, "homey.yaml");
  writeFileSync(file, 'images: [{location: /etc/profile}]\nmounts:\n- location: "~"\n  writable: true\n');
  const err = await errorOf(() => prepareCreate("x", { template: file }, tmp));
  assert.match(err.message, /home folder/);
});
