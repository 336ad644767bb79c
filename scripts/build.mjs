// Bundles the extension (vscode external) and the helper/CLI into dist/ with esbuild.
import { build } from "esbuild";

const production = process.argv.includes("--production");
const outIndex = process.argv.indexOf("--outdir");
const outdir = outIndex > 0 ? process.argv[outIndex + 1] : "dist";
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: production ? false : "linked",
  minify: production,
  logLevel: "warning",
  legalComments: "none",
};

await Promise.all([
  // VS Code loads extensions with require(): CommonJS, named .cjs because package.json says "type": "module".
  build({ ...common, format: "cjs", entryPoints: ["extension/src/extension.ts"], outfile: `${outdir}/extension.cjs`, external: ["vscode"] }),
  build({
    ...common,
    entryPoints: ["helper/src/main.ts"],
    format: "esm",
    outfile: `${outdir}/helper.js`,
    // Bundled CommonJS dependencies (vscode-jsonrpc) still call require() for Node built-ins.
    banner: { js: '#!/usr/bin/env node\nimport { createRequire as __nixlimaRequire } from "node:module";\nconst require = __nixlimaRequire(import.meta.url);' },
  }),
]);
