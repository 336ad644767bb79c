// The Create VM wizard's plan: step numbers right on every path, every resource choice described,
// and the name check with the helper's whole sentence (a name differing only in case refused).
import assert from "node:assert/strict";
import { test } from "node:test";
import { nameProblem, resourceChoices, stepTitle, wizardSteps } from "../../src/commands/wizardPlan";

test("the steps of each path, and their numbers", () => {
  const none = { hasBuiltImages: false, presetImage: false };
  assert.deepEqual(wizardSteps({ name: "minimal" }, none), ["template", "name", "resources"]);
  assert.deepEqual(wizardSteps({ name: "dev" }, none), ["template", "name", "resources", "mounts"]);
  const withBuilds = wizardSteps({ name: "agent" }, { hasBuiltImages: true, presetImage: false });
  assert.deepEqual(withBuilds, ["template", "image", "name", "resources", "mounts"]);
  // Create VM from This Image… chose the image already.
  assert.deepEqual(wizardSteps({ name: "agent" }, { hasBuiltImages: true, presetImage: true }), ["template", "name", "resources", "mounts"]);
  assert.equal(stepTitle(withBuilds, "name"), "Create VM (3/5)");
  assert.equal(stepTitle(wizardSteps({ name: "minimal" }, none), "resources", "CPUs"), "Create VM (3/3): CPUs");
  // The last step of every path is numbered N/N.
  for (const t of ["minimal", "dev"]) {
    for (const facts of [none, { hasBuiltImages: true, presetImage: false }]) {
      const steps = wizardSteps({ name: t }, facts);
      assert.equal(stepTitle(steps, steps.at(-1)!), `Create VM (${steps.length}/${steps.length})`);
    }
  }
});

test("every resource choice says what it gives, the template's own numbers included", () => {
  const dev = resourceChoices({ name: "dev", description: "", path: "/t/dev.yaml", cpus: 4, memoryGiB: 8, diskGiB: 50 });
  assert.deepEqual(dev.map((c) => c.label), ["Template default", "Light", "Medium", "Heavy", "Custom…"]);
  assert.equal(dev[0]!.description, "4 CPU · 8 GiB memory · 50 GiB disk");
  assert.equal(dev[2]!.description, "4 CPU · 6 GiB memory · 30 GiB disk");
  for (const c of dev) assert.ok(c.description.length > 0, c.label);
  assert.match(dev[4]!.description, /starting from 4 CPU/);
  // A YAML file of the user's own has no numbers nixlima knows: the choice says who decides.
  const own = resourceChoices({ name: "mine.yaml", description: "", path: "/x/mine.yaml" });
  assert.match(own[0]!.description, /as the template file says/);
});

test("the name check shows the helper's sentence and hint, and refuses a name differing only in case", () => {
  assert.equal(nameProblem("agent-1", ["dev"]), undefined);
  assert.equal(nameProblem("bad..name", []), '"bad..name" is not a valid VM name. Use letters and digits, optionally joined by single \'.\', \'_\' or \'-\' (for example my-vm).');
  assert.equal(nameProblem("Dev", ["dev"]), '"Dev" differs from the existing VM "dev" only in letter case, which macOS disks do not tell apart. Choose another name, or delete the old VM first.');
  assert.match(nameProblem("dev", ["dev"])!, /^A VM named "dev" already exists\. Choose another name/);
});
