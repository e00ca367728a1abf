#!/usr/bin/env node
// Generates schema/launchready.schema.json (JSON Schema for launchready.yml) from the zod schema in
// src/config/schema.ts, at build time — never edited by hand. `npm run build` runs it after tsc;
// `--check` exits 1 when the file on disk differs from what the schema gives now.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMA_FILE = join(ROOT, 'schema', 'launchready.schema.json');

export async function configJsonSchema() {
  const { ConfigSchema } = await import(pathToFileURL(join(ROOT, 'dist', 'src', 'config', 'schema.js')).href);
  // The input side: what a user may write (defaults make keys optional).
  const schema = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return {
    ...nullableProperties(schema),
    title: 'launchready.yml',
    description: 'Configuration of launchready (generated from src/config/schema.ts by scripts/config-schema.mjs; do not edit).',
  };
}

/**
 * The loader treats a key with no value (`endpoints:` whose children are all commented out, as in
 * the init template) as not set, so the schema lets every property be null too.
 */
function nullableProperties(node) {
  if (Array.isArray(node)) return node.map(nullableProperties);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, orNull(nullableProperties(sub))]));
    } else out[k] = nullableProperties(v);
  }
  return out;
}

function orNull(sub) {
  if (typeof sub.type === 'string') return { ...sub, type: [sub.type, 'null'] };
  if (Array.isArray(sub.type)) return sub.type.includes('null') ? sub : { ...sub, type: [...sub.type, 'null'] };
  return { anyOf: [sub, { type: 'null' }] };
}

export function serialise(schema) {
  return JSON.stringify(schema, null, 2) + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = serialise(await configJsonSchema());
  if (process.argv.includes('--check')) {
    let onDisk = '';
    try {
      onDisk = readFileSync(SCHEMA_FILE, 'utf8');
    } catch {
      // missing: differs
    }
    if (onDisk !== text) {
      process.stderr.write(`${SCHEMA_FILE} is out of date: run npm run build\n`);
      process.exit(1);
    }
  } else {
    mkdirSync(dirname(SCHEMA_FILE), { recursive: true });
    writeFileSync(SCHEMA_FILE, text);
  }
}
