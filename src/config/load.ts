import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair } from 'yaml';
import type { z } from 'zod';
import { ConfigSchema, type Config } from './schema.js';

export interface ConfigProblem {
  line: number;
  col: number;
  problem: string;
}

/**
 * Problems in the user's config, located as file:line:col — every one of them, one per line (the
 * first is also `line`/`col`/`problem`). Exits 2 at the CLI, never a stack trace.
 */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(
    public readonly file: string,
    public readonly line: number,
    public readonly col: number,
    public readonly problem: string,
    more: ConfigProblem[] = [],
  ) {
    const all = [{ line, col, problem }, ...more];
    super(all.length === 1 ? `${file}:${line}:${col}: ${problem}` : `${all.length} problems in ${file}:\n${all.map((p) => `${file}:${p.line}:${p.col}: ${p.problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = all;
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
  // Every problem at once (a user fixing one per run would need as many runs as typos).
  const problems: ConfigProblem[] = [];
  for (const issue of parsed.error.issues) {
    const { offset, keyName } = locate(doc, issue);
    const pos = at(offset);
    const hint = issue.code === 'unrecognized_keys' && keyName ? suggestionFor(keyName, keysAt(ConfigSchema, issue.path as Array<string | number>)) : undefined;
    const p = { line: pos.line, col: pos.col, problem: describeIssue(issue, keyName, hint) };
    if (!problems.some((q) => q.line === p.line && q.col === p.col && q.problem === p.problem)) problems.push(p);
    // More unknown keys in the same object: one line each.
    if (issue.code === 'unrecognized_keys') {
      for (const extra of issue.keys.slice(1)) {
        const at2 = at(locatePath(doc, issue.path as Array<string | number>, extra));
        const h2 = suggestionFor(extra, keysAt(ConfigSchema, issue.path as Array<string | number>));
        problems.push({ line: at2.line, col: at2.col, problem: describeIssue(issue, extra, h2) });
      }
    }
  }
  const [first, ...rest] = problems;
  throw new ConfigError(file, first!.line, first!.col, first!.problem, rest);
}

/** The keys the schema accepts at `path` (an object's shape), looking through optional/default/pipe/record/array/union. */
export function keysAt(schema: z.ZodType, path: ReadonlyArray<string | number>): string[] {
  const unwrap = (t: z.ZodType | undefined): z.ZodType[] => {
    const out: z.ZodType[] = [];
    const walk = (x: z.ZodType | undefined, depth: number): void => {
      if (!x || depth > 20) return;
      const def = (x as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
      switch (def.type) {
        case 'optional':
        case 'nullable':
        case 'default':
        case 'prefault':
        case 'readonly':
        case 'catch':
          return walk(def['innerType'] as z.ZodType, depth + 1);
        case 'pipe':
          return walk(def['in'] as z.ZodType, depth + 1);
        case 'lazy':
          return walk((def['getter'] as () => z.ZodType)(), depth + 1);
        case 'union':
          for (const o of def['options'] as z.ZodType[]) walk(o, depth + 1);
          return;
        default:
          out.push(x);
      }
    };
    walk(t, 0);
    return out;
  };
  let current = unwrap(schema);
  for (const seg of path) {
    const next: z.ZodType[] = [];
    for (const t of current) {
      const def = (t as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
      if (def.type === 'object' && typeof seg === 'string') next.push(...unwrap((def['shape'] as Record<string, z.ZodType>)[seg]));
      else if (def.type === 'record') next.push(...unwrap(def['valueType'] as z.ZodType));
      else if (def.type === 'array' && typeof seg === 'number') next.push(...unwrap(def['element'] as z.ZodType));
    }
    current = next;
  }
  const keys = new Set<string>();
  for (const t of current) {
    const def = (t as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
    if (def.type === 'object') for (const k of Object.keys(def['shape'] as object)) keys.add(k);
  }
  return [...keys];
}

/** The nearest known key to a typo (`identites` → `identities`), when one is close enough to be meant. */
export function suggestionFor(typed: string, known: readonly string[]): string | undefined {
  const t = typed.toLowerCase();
  let best: { key: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(t, k.toLowerCase());
    if (!best || d < best.d) best = { key: k, d };
  }
  if (!best) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(t.length, best.key.length) / 3));
  return best.d <= allowed ? best.key : undefined;
}

/** Damerau–Levenshtein (optimal string alignment) distance: a swap of two letters counts once. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
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

function describeIssue(issue: z.core.$ZodIssue, keyName?: string, suggestion?: string): string {
  const where = issue.path.length ? issue.path.map(String).join('.') : 'top level';
  switch (issue.code) {
    case 'unrecognized_keys':
      return suggestion
        ? `unknown setting "${keyName ?? issue.keys.join(', ')}" in ${where}: did you mean "${suggestion}"?`
        : `unknown setting "${keyName ?? issue.keys.join(', ')}" in ${where} (check the spelling; see launchready init for every setting)`;
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
