// ESLint (flat config), `npm run lint`: one rule, the layout's (README "Layout"). Pulumi is
// declared only in the files that make resources: a stage's component.ts (its one
// pulumi.ComponentResource), assets/resource.ts (RenderedFiles, our plugin's resource) and the
// program, index.ts. Every other file under components/ is pure code and imports no @pulumi/*
// package, not even for a type.
const tsParser = require("@typescript-eslint/parser");

/** The files that may import @pulumi/*. */
const PULUMI_FILES = ["index.ts", "components/*/component.ts", "components/assets/resource.ts"];

module.exports = [
    {
        files: ["index.ts", "components/**/*.ts"],
        languageOptions: { parser: tsParser },
        linterOptions: { reportUnusedDisableDirectives: "error" },
        rules: {
            "no-restricted-imports": ["error", {
                patterns: [{
                    group: ["@pulumi/*"],
                    message: "Pulumi belongs in the stage's component.ts (README \"Layout\"); pure code takes plain values and returns text or objects.",
                }],
            }],
        },
    },
    { files: PULUMI_FILES, rules: { "no-restricted-imports": "off" } },
];
