// Bundles the extension (vscode external) and the helper/CLI into dist/ with esbuild.
import { build } from "esbuild";

const production = process.argv.includes("--production");
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: production ? false : "linked",
  minify: production,
  logLevel: "warning",
  legalComments: "none",
};

await Promise.all([
  build({ ...common, entryPoints: ["extension/src/extension.ts"], outfile: "dist/extension.js", external: ["vscode"] }),
  build({
    ...common,
    entryPoints: ["helper/src/main.ts"],
    outfile: "dist/helper.js",
    banner: { js: "#!/usr/bin/env node" },
  }),
]);
