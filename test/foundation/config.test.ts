import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfigText } from '../../src/config/load.js';
import { runCli } from '../helpers.js';

/** Each malformed config, and where (line:col) and what the error must name. */
const MALFORMED: Array<{ name: string; yaml: string; at: string; says: RegExp }> = [
  { name: 'YAML syntax error', yaml: 'target: https://a.example\nidentities:\n  alice: [unclosed\n', at: '4:1', says: /invalid YAML/ },
  { name: 'top level is a list', yaml: '- target: x\n', at: '1:1', says: /mapping of settings/ },
  { name: 'unknown top-level key', yaml: 'target: https://a.example\ntargte: https://b.example\n', at: '2:1', says: /unknown setting "targte"/ },
  { name: 'target not a URL', yaml: 'target: not a url\n', at: '1:9', says: /target: .*http\(s\) URL/ },
  { name: 'target ftp scheme', yaml: 'target: ftp://a.example\n', at: '1:9', says: /target/ },
  { name: 'domains not a list', yaml: 'domains: example.com\n', at: '1:10', says: /domains: expected array/ },
  { name: 'unknown login kind', yaml: 'identities:\n  alice:\n    login: { kind: jsn, url: /login }\n', at: '3:20', says: /login\.kind/ },
  { name: 'identity without login', yaml: 'identities:\n  alice:\n    tenant: acme\n', at: '3:5', says: /identities\.alice\.login/ },
  { name: 'bad identity name', yaml: 'identities:\n  "al ice":\n    login: { kind: bearer, token: x }\n', at: '2:3', says: /letters, digits/ },
  { name: 'route string malformed', yaml: 'api:\n  routes:\n    - FETCH /api/x\n', at: '3:7', says: /api\.routes\.0/ },
  { name: 'negative threshold', yaml: 'thresholds:\n  p95Ms: -5\n', at: '2:10', says: /thresholds\.p95Ms/ },
  { name: 'budget rate is text', yaml: 'budget: { rate: fast }\n', at: '1:17', says: /budget\.rate: expected number/ },
  { name: 'webhook scheme unknown', yaml: 'webhooks:\n  - { url: /wh, scheme: paypal }\n', at: '2:25', says: /webhooks\.0\.scheme/ },
  { name: 'unset env var', yaml: 'identities:\n  bob:\n    login: { kind: bearer, token: "${LR_TEST_UNSET_TOKEN}" }\n', at: '3:35', says: /LR_TEST_UNSET_TOKEN is not set/ },
  { name: 'duplicate key', yaml: 'target: https://a.example\ntarget: https://b.example\n', at: '2:1', says: /invalid YAML.*(?:unique|duplicate)/i },
  { name: 'load duration malformed', yaml: 'load: { duration: 30 seconds }\n', at: '1:19', says: /load\.duration/ },
];

describe('config errors name file:line:col and what was expected', () => {
  for (const c of MALFORMED) {
    it(`${c.name} → ${c.at}`, () => {
      let err: unknown;
      try {
        parseConfigText(c.yaml, 'launchready.yml', {});
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      const e = err as ConfigError;
      expect(`${e.line}:${e.col}`).toBe(c.at);
      expect(e.message.startsWith(`launchready.yml:${c.at}: `)).toBe(true);
      expect(e.message).toMatch(c.says);
    });
  }

  it('a missing file is a located error too', () => {
    expect(() => loadConfigFile('/nonexistent/launchready.yml', {})).toThrow(/launchready.yml:1:1: file not found/);
  });

  it('the CLI exits 2 with the location and no stack trace, for every malformed config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lr-config-'));
    const results = await Promise.all(
      MALFORMED.slice(0, 12).map(async (c, i) => {
        const file = join(dir, `bad-${i}.yml`);
        writeFileSync(file, c.yaml);
        return { c, file, r: await runCli(['audit', 'http://127.0.0.1:9', '--config', file]) };
      }),
    );
    for (const { c, file, r } of results) {
      expect(r.code, c.name).toBe(2);
      expect(r.stderr, c.name).toContain(`${file}:${c.at}: `);
      expect(r.stderr, c.name).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);
      expect(r.stdout, c.name).toBe('');
    }
  }, 120_000); // twelve CLI starts at once: generous for a loaded machine
});

describe('config values', () => {
  it('interpolates ${VAR} and ${VAR:-default} so secrets stay out of the file', () => {
    const c = parseConfigText(
      'identities:\n  a: { login: { kind: bearer, token: "${LR_T}" } }\n  b: { login: { kind: bearer, token: "${LR_MISSING:-fallback}" } }\n',
      'x.yml',
      { LR_T: 'tok-123456' },
    );
    expect(c.identities['a']!.login).toEqual({ kind: 'bearer', token: 'tok-123456' });
    expect(c.identities['b']!.login).toEqual({ kind: 'bearer', token: 'fallback' });
  });
  it('an empty file is the all-defaults config (the checklist criteria)', () => {
    const c = parseConfigText('', 'x.yml', {});
    expect(c.thresholds).toEqual({ p95Ms: 500, lcpMs: 2500, certDaysWarn: 21, certDaysFail: 7 });
    expect(c.budget.maxRequests).toBe(3000);
  });
});

describe('forgiving where it is safe', () => {
  it('a key whose children are all commented out counts as not set', () => {
    const c = parseConfigText('endpoints:\n  # login: /api/login\nidentities:\n  # alice: …\n', 'x.yml', {});
    expect(c.endpoints).toEqual({});
    expect(c.identities).toEqual({});
  });
});
