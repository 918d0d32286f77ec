// Lint: typescript-eslint's recommended rules, and the layer rules of ARCHITECTURE.md, enforced
// here rather than remembered. Formatting is Prettier's (npm run format), not ESLint's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** An import of another layer, as a relative specifier from anywhere in the tree. */
const layer = (dir) => [`../${dir}/**`, `../../${dir}/**`, `../../../${dir}/**`, `../${dir}`, `../../${dir}`];

/** A relative specifier that climbs into one of `layers` (for require() and import()). */
const climbsInto = (layers) => `/^(\\.\\.\\/)+(${layers.join("|")})(\\/|$)/`;

/** `files` may not import from `layers` (import, require() or import()), with the reason in the message. */
const forbid = (files, layers, message) => ({
  files,
  rules: {
    "no-restricted-imports": ["error", { patterns: [{ group: layers.flatMap(layer), message }] }],
    "no-restricted-syntax": [
      "error",
      { selector: `CallExpression[callee.name="require"] > Literal[value=${climbsInto(layers)}]`, message },
      { selector: `ImportExpression > Literal[value=${climbsInto(layers)}]`, message },
    ],
  },
});

export default tseslint.config(
  {
    ignores: ["node_modules/**", "**/node_modules/**", "app/dist/**", "**/*.js", "**/*.mjs", "**/*.d.ts"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Unused code is the compiler's to report (tsconfig noUnusedLocals/Parameters); `_` marks an intended one.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Pulumi programs are CommonJS modules that export one function (`export =`), and some
      // libraries are loaded lazily with require so the CLI starts fast.
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-namespace": "off",
    },
  },
  forbid(["lib/**/*.ts"], ["stage", "components", "tools", "access", "policy", "app"], "lib/ is the bottom layer: AWS helpers that know nothing of stages, components or tools (ARCHITECTURE.md)"),
  forbid(["stage/**/*.ts"], ["components", "tools", "access", "policy"], "stage/ is the stage model: it may use lib/ only (ARCHITECTURE.md)"),
  forbid(["components/**/*.ts"], ["tools", "access", "policy"], "components/ build resources from stage/ and lib/; tools call them, never the other way (ARCHITECTURE.md)"),
  forbid(["policy/**/*.ts"], ["components", "tools", "access", "app"], "the policy pack runs in its own package: it may import only stage/ and lib/ (ARCHITECTURE.md)"),
  forbid(["access/**/*.ts"], ["components", "tools", "policy"], "access/ is its own Pulumi project on top of stage/ and lib/ (ARCHITECTURE.md)"),
  forbid(["app/src/**/*.ts"], ["components", "stage", "lib", "tools", "access", "policy"], "the app ships alone in its image: it imports nothing of the infrastructure (ARCHITECTURE.md)"),
);
