import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_SCHEMA_REF, starterConfig } from '../../src/app/init.js';
import { ConfigError, keysAt, parseConfigText, suggestionFor } from '../../src/config/load.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { DEMO_CONFIG, ROOT } from '../helpers.js';

const gen = (await import(join(ROOT, 'scripts', 'config-schema.mjs'))) as { configJsonSchema(): Promise<object>; serialise(s: object): string; SCHEMA_FILE: string };

function errorOf(text: string): ConfigError {
  try {
    parseConfigText(text, 'launchready.yml', {});
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('the JSON Schema of launchready.yml', () => {
  it('the built file is what the zod schema gives now (npm run build regenerates it)', async () => {
    expect(readFileSync(gen.SCHEMA_FILE, 'utf8')).toBe(gen.serialise(await gen.configJsonSchema()));
  });

  it('accepts the demo config and the init template, and rejects a typo and a wrong type', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(await gen.configJsonSchema());
    expect(validate(parse(readFileSync(DEMO_CONFIG, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(parse(starterConfig({ notes: [] }))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ target: 'https://app.example.com', identites: {} })).toBe(false);
    expect(validate({ budget: { maxRequests: 'many' } })).toBe(false);
  });

  it('the init template shows how to waive an area, and the example loads once uncommented', () => {
    const text = starterConfig({ notes: [] });
    const line = text.split('\n').find((l) => l.startsWith('# waive: '));
    expect(line).toBeDefined();
    const config = parseConfigText(text.replace(line!, line!.slice(2)), 'launchready.yml', {});
    expect(Object.keys(config.waive ?? {}).sort()).toEqual(['domain-tls', 'email']);
  });

  it('the init template points editors at the shipped schema', () => {
    expect(starterConfig({ notes: [] }).split('\n')[0]).toBe(`# yaml-language-server: $schema=${CONFIG_SCHEMA_REF}`);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schema');
    expect(CONFIG_SCHEMA_REF).toMatch(/\/schema\/launchready\.schema\.json$/);
  });
});

describe('config errors list every problem and suggest the key that was meant', () => {
  it('identites → identities, at its line', () => {
    const e = errorOf('target: http://127.0.0.1:1\nidentites:\n  alice: { tenant: a }\n');
    expect(e.message).toBe('launchready.yml:2:1: unknown setting "identites" in top level: did you mean "identities"?');
  });

  it('every problem, one line each, with file:line:col', () => {
    const e = errorOf(['target: http://127.0.0.1:1', 'budget:', '  maxRequest: 10', '  rate: fast', 'tresholds: { p95Ms: 500 }', 'colour: blue', ''].join('\n'));
    expect(e.problems.length).toBeGreaterThanOrEqual(4);
    const lines = e.message.split('\n');
    expect(lines[0]).toMatch(/^\d+ problems in launchready\.yml:$/);
    expect(e.message).toMatch(/launchready\.yml:3:3: unknown setting "maxRequest" in budget: did you mean "maxRequests"\?/);
    expect(e.message).toMatch(/launchready\.yml:4:\d+: budget\.rate: expected number/);
    expect(e.message).toMatch(/launchready\.yml:5:1: unknown setting "tresholds" in top level: did you mean "thresholds"\?/);
    expect(e.message).toMatch(/launchready\.yml:6:1: unknown setting "colour" in top level \(check the spelling/);
    // The first problem stays in line/col/problem for callers that show one.
    expect([e.line, e.problem]).toEqual([e.problems[0]!.line, e.problems[0]!.problem]);
  });

  it('knows the keys at nested paths and only suggests close ones', () => {
    expect(keysAt(ConfigSchema, [])).toEqual(expect.arrayContaining(['identities', 'budget', 'target']));
    expect(keysAt(ConfigSchema, ['budget'])).toContain('maxRequests');
    expect(suggestionFor('identites', keysAt(ConfigSchema, []))).toBe('identities');
    expect(suggestionFor('domian', ['domain', 'mail'])).toBe('domain');
    expect(suggestionFor('zzz', keysAt(ConfigSchema, []))).toBeUndefined();
  });
});
