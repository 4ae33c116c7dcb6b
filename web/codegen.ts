import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * The typed client for the PWA, generated from the committed supergraph (`uv run fincloud compose`).
 * Run `npm run codegen` after changing an operation or the schema; CI fails when `src/gql/` drifts.
 */
const config: CodegenConfig = {
  // The public API schema the router serves, derived from the committed supergraph.
  schema: { "../schema/supergraph.graphql": { loader: "./scripts/supergraph-loader.mjs" } },
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*", "!src/**/*.test.ts"],
  ignoreNoDocuments: false,
  generates: {
    "./src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        strictScalars: true,
        scalars: {
          ID: "string",
          Decimal: "string",
          Date: "string",
          DateTime: "string",
          JSON: "unknown",
          Upload: "File",
        },
        useTypeImports: true,
        enumsAsTypes: true,
      },
    },
  },
};

export default config;
