// Every template in templates/ must name images the bundled flake can build: template NAME
// boots `packages.<linux>.NAME-image` and rebuilds to `nixosConfigurations.NAME-<arch>`. The
// real nixpkgs cannot be fetched here, so the flake's outputs function is evaluated with a
// stub `nixpkgs` input that has only the few `lib` functions the outputs' names depend on;
// laziness keeps every NixOS configuration and derivation unevaluated.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { templateOfLimaYaml } from "../../src/nix/rebuild";
import { tempNix } from "./nixEnv";

const repo = join(import.meta.dirname, "..", "..", "..");

const stubLib = `rec {
  attrNames = builtins.attrNames;
  listToAttrs = builtins.listToAttrs;
  concatMap = builtins.concatMap;
  nameValuePair = name: value: { inherit name value; };
  genAttrs = names: f: listToAttrs (map (n: nameValuePair n (f n)) names);
  mapAttrs' = f: set: listToAttrs (map (n: f n set.\${n}) (attrNames set));
  removeSuffix = suffix: s:
    let n = builtins.stringLength s; k = builtins.stringLength suffix;
    in if k <= n && builtins.substring (n - k) k s == suffix then builtins.substring 0 (n - k) s else s;
  nixosSystem = _: throw "stub nixpkgs: a configuration was evaluated";
}`;

async function flakeOutputNames(): Promise<{ packages: Record<string, string[]>; configurations: string[] }> {
  const expr = `
    let
      flake = import ${join(repo, "nix", "flake.nix")};
      lib = ${stubLib};
      self = flake.outputs { inherit self; nixpkgs = { inherit lib; legacyPackages = { }; }; };
    in {
      packages = builtins.mapAttrs (system: packages: builtins.attrNames packages) self.packages;
      configurations = builtins.attrNames self.nixosConfigurations;
    }`;
  const nix = tempNix();
  try {
    const { stdout } = await execa("nix-instantiate", ["--eval", "--strict", "--json", "-E", expr], { env: nix.env });
    return JSON.parse(stdout);
  } finally {
    nix.dispose();
  }
}

const templates = readdirSync(join(repo, "templates"))
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => f.replace(/\.yaml$/, ""))
  .sort();

test("the templates are minimal, dev and agent", () => {
  assert.deepEqual(templates, ["agent", "dev", "minimal"]);
});

test("every template names an image and a configuration the flake builds, for both architectures", async () => {
  const { packages, configurations } = await flakeOutputNames();
  assert.deepEqual(Object.keys(packages).sort(), ["aarch64-linux", "x86_64-linux"]);
  for (const name of templates) {
    for (const system of ["aarch64-linux", "x86_64-linux"]) {
      assert.ok(packages[system]?.includes(`${name}-image`), `packages.${system}.${name}-image is missing: ${packages[system]}`);
    }
    for (const arch of ["aarch64", "x86_64"]) {
      assert.ok(configurations.includes(`${name}-${arch}`), `nixosConfigurations.${name}-${arch} is missing: ${configurations}`);
    }
  }
});

test("every template says which template it is on its first line, as Rebuild VM reads it", () => {
  for (const name of templates) {
    assert.equal(templateOfLimaYaml(readFileSync(join(repo, "templates", `${name}.yaml`), "utf8")), name);
  }
});
