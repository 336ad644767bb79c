import assert from "node:assert/strict";
import { test } from "node:test";
import { coversLimaHome, exposesHome, writesHome } from "../../src/shared/homeMounts";

const home = "/Users/alice";

test("a writable mount of the home folder or above it writes home; read-only or narrower does not", () => {
  for (const location of ["~", "/Users/alice/", "/", "/Users", "{{.Home}}", ""]) assert.equal(writesHome({ location, writable: true }, home), true, location);
  assert.equal(writesHome({ location: "~", writable: false }, home), false);
  assert.equal(exposesHome("~", home), true, "read-only still exposes it");
  for (const location of ["~/src/app", "/Users/alice2", "/tmp"]) assert.equal(writesHome({ location, writable: true }, home), false, location);
});

test("a writable mount of LIMA_HOME or above it covers it", () => {
  assert.equal(coversLimaHome({ location: "~", writable: true }, "/Users/alice/.lima", home), true);
  assert.equal(coversLimaHome({ location: "~/.lima", writable: false }, "/Users/alice/.lima", home), false);
  assert.equal(coversLimaHome({ location: "~/src", writable: true }, "/Users/alice/.lima", home), false);
});
