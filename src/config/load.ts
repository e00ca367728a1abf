import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair } from 'yaml';
import type { z } from 'zod';
import { AREAS } from '../model/area.js';
import { ConfigSchema, type Config } from './schema.js';

/** A problem in the user's config, located as file:line:col. Exits 2 at the CLI, never a stack trace. */
export class ConfigError extends Error {
  constructor(
    public readonly file: string,
    public readonly line: number,
    public readonly col: number,
    public readonly problem: string,
  ) {
    super(`${file}:${line}:${col}: ${problem}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: Config;
  file?: string;
  /** Relative paths in the config (openapi, repo, har) resolve against this directory. */
  dir: string;
}

const VAR_RE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Reads launchready.yml: YAML → `${VAR}` / `${VAR:-default}` interpolation (secrets stay out of the
 * file) → schema validation. Every error names file:line:col and what was expected.
 */
export function loadConfigFile(file: string, env: Readonly<Record<string, string | undefined>>): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, 1, 1, code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, expected a YAML file' : `cannot read: ${(err as Error).message}`);
  }
  return { config: parseConfigText(text, file, env), file, dir: dirname(resolve(file)) };
}

export function parseConfigText(text: string, file: string, env: Readonly<Record<string, string | undefined>>): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);
  const firstError = doc.errors[0];
  if (firstError) {
    const pos = at(firstError.pos[0]);
    throw new ConfigError(file, pos.line, pos.col, `invalid YAML: ${firstError.message.split('\n')[0]}`);
  }
  if (doc.contents === null) return ConfigSchema.parse({});
  if (!isMap(doc.contents)) {
    const pos = at(doc.contents.range?.[0] ?? 0);
    throw new ConfigError(file, pos.line, pos.col, 'expected a mapping of settings (target:, identities:, …) at the top level');
  }

  // Interpolate environment variables inside scalar strings, keeping node positions for errors.
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !node.value.includes('${')) return;
      node.value = node.value.replace(VAR_RE, (_m, name: string, fallback: string | undefined) => {
        const v = env[name];
        if (v !== undefined && v !== '') return v;
        if (fallback !== undefined) return fallback;
        const pos = at(node.range?.[0] ?? 0);
        throw new ConfigError(file, pos.line, pos.col, `environment variable ${name} is not set (write \${${name}:-default} to give a default)`);
      });
    },
  });

  // A key whose every child is commented out (`endpoints:` and nothing else) means "not set".
  const raw: unknown = dropNullKeys(doc.toJS({ maxAliasCount: 100 }));
  const parsed = ConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const { offset, keyName } = locate(doc, issue);
  const pos = at(offset);
  throw new ConfigError(file, pos.line, pos.col, describeIssue(issue, keyName));
}

function dropNullKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNullKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, dropNullKeys(v)]));
  return value;
}

/** Offset of a key (when `key` names one under `path`) or of the deepest node of `path` the document has. */
export function locatePath(doc: Document, path: Array<string | number>, key?: string | number): number {
  if (key !== undefined) {
    const parent = doc.getIn(path, true) as Node | undefined;
    if (parent && isMap(parent)) {
      const pair = parent.items.find((p: Pair) => isScalar(p.key) && p.key.value === key);
      if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
    }
  }
  // Walk down as far as the document goes; a missing key points at its parent.
  for (let i = path.length; i >= 0; i--) {
    const node = doc.getIn(path.slice(0, i), true) as Node | undefined;
    if (node && (isScalar(node) || isMap(node) || isSeq(node)) && node.range) return node.range[0];
  }
  return 0;
}

function locate(doc: Document, issue: z.core.$ZodIssue): { offset: number; keyName?: string } {
  const path = issue.path as Array<string | number>;
  // An unknown key, or a bad record key (an identity name): point at the key itself.
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) return { offset: locatePath(doc, path, issue.keys[0]), keyName: issue.keys[0] };
  if (issue.code === 'invalid_key' && path.length > 0) return { offset: locatePath(doc, path.slice(0, -1), path[path.length - 1]), keyName: String(path[path.length - 1]) };
  return { offset: locatePath(doc, path) };
}

function describeIssue(issue: z.core.$ZodIssue, keyName?: string): string {
  const where = issue.path.length ? issue.path.map(String).join('.') : 'top level';
  switch (issue.code) {
    case 'unrecognized_keys':
      if (issue.path.length === 1 && issue.path[0] === 'waive')
        return `waive: unknown area "${keyName ?? issue.keys.join(', ')}"; areas are ${AREAS.join(', ')}`;
      return `unknown setting "${keyName ?? issue.keys.join(', ')}" in ${where} (check the spelling; see launchready init for every setting)`;
    case 'invalid_type':
      return `${where}: expected ${issue.expected}${'received' in issue && issue.received ? `, got ${String(issue.received)}` : ''}`;
    case 'invalid_key':
      return `${where}: the name "${keyName ?? ''}" is not allowed: ${issue.issues[0]?.message ?? issue.message}`;
    case 'invalid_union':
      return `${where}: ${issue.message === 'Invalid input' ? 'not one of the accepted forms' : issue.message}`;
    default:
      return `${where}: ${issue.message}`;
  }
}
