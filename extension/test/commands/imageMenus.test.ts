// The Images view and the image and rebuild commands in package.json: rows offer what fits them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { commandIds } from "../../src/commands/ids";
import { pkg, shownFor } from "../support/manifest";

test("the Images view sits in nixlima's container, with Build Image in its title and a welcome", () => {
  assert.ok(pkg.contributes.views.nixlima.some((v: { id: string }) => v.id === "nixlima.images"));
  assert.ok(pkg.contributes.menus["view/title"].some((i: { command: string; when: string }) => i.command === "nixlima.buildImage" && i.when === "view == nixlima.images"));
  const welcome = pkg.contributes.viewsWelcome.find((w: { view: string }) => w.view === "nixlima.images");
  assert.match(welcome?.contents ?? "", /command:nixlima\.buildImage/);
});

test("image rows, latest or not, offer Create VM and Delete; VM rows do not", () => {
  for (const row of ["image", "image+latest"]) {
    assert.ok(shownFor(row).includes("nixlima.createVmFromImage"), row);
    assert.ok(shownFor(row).includes("nixlima.deleteImage"), row);
  }
  for (const row of ["vm+running", "vm+stopped", "vm+busy"]) {
    assert.ok(!shownFor(row).includes("nixlima.deleteImage") && !shownFor(row).includes("nixlima.createVmFromImage"), row);
  }
});

test("Rebuild VM is offered on running NixOS guests only", () => {
  assert.ok(shownFor("vm+running+nixos").includes("nixlima.rebuildVm"));
  for (const row of ["vm+running", "vm+stopped", "vm+broken", "vm+busy", "image"]) assert.ok(!shownFor(row).includes("nixlima.rebuildVm"), row);
});

test("the image commands are registered, and the flake is a setting", () => {
  for (const id of ["nixlima.buildImage", "nixlima.deleteImage", "nixlima.createVmFromImage", "nixlima.rebuildVm"]) {
    assert.ok((commandIds as readonly string[]).includes(id), id);
  }
  assert.equal(pkg.contributes.configuration.properties["nixlima.flake"]?.default, "");
});
