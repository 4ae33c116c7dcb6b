#!/usr/bin/env node
// Composes FinCloud's supergraph from the subgraph SDL files named in supergraph.yaml.
//
//   node router/compose.mjs <supergraph.yaml> <out.graphql | ->
//
// supergraph.yaml uses rover's config format:
//   federation_version: =2.9.0
//   subgraphs:
//     identity:
//       routing_url: http://127.0.0.1:4001/graphql
//       schema:
//         file: ./schema/identity.graphql      # relative to the yaml's folder
//
// The supergraph SDL goes to the output path or to stdout for "-". Same input, same bytes out (ending with one
// newline). Composition errors go to stderr with exit code 1.

import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse, GraphQLError } from 'graphql';
import { composeServices } from '@theguild/federation-composition';
import YAML from 'yaml';

/** @typedef {import('@theguild/federation-composition').ServiceDefinition} ServiceDefinition */

/** A problem in the config, a schema file or the composition: reported on one or a few lines, exit code 1. */
class ConfigError extends Error {}

/** @param {unknown} err */
const describe = (err) => (err instanceof Error ? err.message : String(err));

/**
 * The subgraphs of a rover-style config, in the order they are listed.
 * @param {string} configPath
 * @returns {ServiceDefinition[]}
 */
export function loadServices(configPath) {
  let config;
  try {
    config = YAML.parse(readFileSync(configPath, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read ${configPath}: ${describe(err)}`);
  }
  const version = String(config?.federation_version ?? '');
  if (version && !/^=?2(\.|$)/.test(version)) {
    throw new ConfigError(`${configPath}: federation_version ${version} is not supported (Federation 2.x only)`);
  }
  const subgraphs = config?.subgraphs;
  if (!subgraphs || typeof subgraphs !== 'object' || Object.keys(subgraphs).length === 0) {
    throw new ConfigError(`${configPath}: no subgraphs listed under "subgraphs:"`);
  }
  const base = dirname(resolve(configPath));
  return Object.entries(subgraphs).map(([name, /** @type {any} */ entry]) => {
    const url = entry?.routing_url;
    if (typeof url !== 'string' || !url) {
      throw new ConfigError(`subgraph "${name}": routing_url is missing`);
    }
    const schema = entry?.schema ?? {};
    let source;
    let sdl;
    if (typeof schema.file === 'string') {
      source = resolve(base, schema.file);
      try {
        sdl = readFileSync(source, 'utf8');
      } catch (err) {
        const code = /** @type {NodeJS.ErrnoException} */ (err).code;
        throw new ConfigError(`subgraph "${name}": cannot read schema file ${source}: ${code ?? describe(err)}`);
      }
    } else if (typeof schema.sdl === 'string') {
      source = `${configPath} (subgraphs.${name}.schema.sdl)`;
      sdl = schema.sdl;
    } else {
      throw new ConfigError(`subgraph "${name}": schema.file (or schema.sdl) is required; introspection is not used`);
    }
    try {
      return { name, url, typeDefs: parse(sdl) };
    } catch (err) {
      const where = err instanceof GraphQLError ? err.locations?.[0] : undefined;
      const at = where ? `:${where.line}:${where.column}` : '';
      throw new ConfigError(`subgraph "${name}": invalid SDL in ${source}${at}: ${describe(err)}`);
    }
  });
}

/**
 * The supergraph SDL (ending with one newline), or throws with every composition error listed.
 * @param {ServiceDefinition[]} services
 * @returns {string}
 */
export function composeSupergraph(services) {
  const result = composeServices(services);
  if (result.errors) {
    const lines = result.errors.map((err) => {
      const code = err instanceof GraphQLError && err.extensions?.code ? `[${err.extensions.code}] ` : '';
      return `  - ${code}${err.message}`;
    });
    throw new ConfigError(`composition failed with ${result.errors.length} error(s):\n${lines.join('\n')}`);
  }
  return result.supergraphSdl.trimEnd() + '\n';
}

/**
 * Writes in place (a running router watches this file, and stops watching if it is replaced by a rename); an
 * unchanged supergraph is not rewritten, so the router does not reload for nothing.
 * @param {string} path
 * @param {string} text
 */
function writeIfChanged(path, text) {
  try {
    if (readFileSync(path, 'utf8') === text) return;
  } catch {
    // no previous file
  }
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new ConfigError(`cannot write ${path}: ${describe(err)}`);
  }
}

/** @param {string[]} argv @returns {number} the exit code */
function main(argv) {
  if (argv.length !== 2) {
    process.stderr.write('usage: node compose.mjs <supergraph.yaml> <out.graphql | ->\n');
    return 2;
  }
  const [configPath, output] = argv;
  try {
    const sdl = composeSupergraph(loadServices(configPath));
    if (output === '-') {
      process.stdout.write(sdl);
    } else {
      writeIfChanged(resolve(output), sdl);
    }
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`compose: ${err.message}\n`);
    return 1;
  }
}

// Run as a script (not when imported by a test).
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
