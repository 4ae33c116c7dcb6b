// A graphql-codegen schema loader: the client sees the router's public API schema, not the supergraph's
// routing machinery (join__/link__ types and directives, @inaccessible fields). The same transform the
// Hive Gateway applies, from the composition library FinCloud composes with.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";

import { transformSupergraphToPublicSchema } from "@theguild/federation-composition";
import { buildASTSchema, parse } from "graphql";

/** @param {string} pointer path of a supergraph SDL file, relative to the working directory */
export default async function loadSupergraphApiSchema(pointer) {
  const supergraph = parse(await readFile(resolve(pointer), "utf8"));
  return buildASTSchema(transformSupergraphToPublicSchema(supergraph));
}
