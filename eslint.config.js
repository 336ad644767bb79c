// ESLint for the TypeScript sources and tests: typescript-eslint's recommended rules, plus the
// project's size rules (a file ≤ 400 lines; a function ≤ 60 lines in product code — test
// suites are long describe() callbacks by nature, so that one rule is for src/ only).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".cache/**", "test-results/**", "**/fixtures/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "max-lines": ["error", { max: 400 }],
      // Stripping terminal escapes (ESC = \x1b) is what several parsers and tests are for.
      "no-control-regex": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
  {
    // Tests pick apart errors and parsed documents whose shape is what they check.
    files: ["**/test/**/*.ts", "test/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Plain Node scripts: TypeScript is not there to know Node's globals.
    files: ["**/*.mjs", "**/*.js"],
    rules: { "no-undef": "off" },
  },
  {
    files: ["extension/src/**/*.ts", "helper/src/**/*.ts"],
    rules: {
      "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
);
