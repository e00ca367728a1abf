import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BaselineError,
  applyBaseline,
  baselineFromReport,
  formatBaseline,
  inlineSuppressions,
  isExpired,
  loadBaseline,
  loadInlineSuppressions,
  parseBaseline,
  parseInlineSuppression,
} from '../../src/model/baseline.js';
import { blockersOf, scoreOf, verdictOf } from '../../src/model/report.js';
import { readFacts } from '../../src/report/facts.js';
import { richReport } from '../fixtures/reports/rich-report.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'launchready-baseline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(fn: () => unknown): BaselineError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BaselineError) return err;
    throw err;
  }
  throw new Error('expected a BaselineError');
}

describe('parseBaseline: reading a baseline file', () => {
  it('reads YAML entries with id, reason and expiry, and remembers where each came from', () => {
    const entries = parseBaseline('- id: abc123\n  reason: test key, revoked\n  expires: 2026-12-31\n- id: def456\n  reason: accepted risk\n', 'baseline.yml');
    expect(entries).toEqual([
      { id: 'abc123', reason: 'test key, revoked', expires: '2026-12-31', source: 'baseline.yml:1:3' },
      { id: 'def456', reason: 'accepted risk', source: 'baseline.yml:4:3' },
    ]);
  });

  it('reads the same entries from JSON', () => {
    const entries = parseBaseline('[{"id": "abc123", "reason": "ok", "expires": "2027-01-01"}]', 'baseline.json');
    expect(entries.map(({ id, reason, expires }) => ({ id, reason, expires }))).toEqual([{ id: 'abc123', reason: 'ok', expires: '2027-01-01' }]);
  });

  it('treats an empty file as an empty baseline', () => {
    expect(parseBaseline('', 'b.yml')).toEqual([]);
    expect(parseBaseline('# nothing accepted yet\n', 'b.yml')).toEqual([]);
  });

  it('names file, line, column and entry when the reason is missing', () => {
    const err = errorOf(() => parseBaseline('- id: abc\n  reason: fine\n- id: def\n', 'ci/baseline.yml'));
    expect(err.message).toBe('ci/baseline.yml:3:3: entry 2: `reason` is missing: say why this finding is accepted');
    expect([err.file, err.line, err.column, err.entry]).toEqual(['ci/baseline.yml', 3, 3, 2]);
  });

  it('points at the expiry value when it is not a real date', () => {
    const err = errorOf(() => parseBaseline('- id: abc\n  reason: r\n  expires: 2026-02-30\n', 'b.yml'));
    expect(err.message).toBe('b.yml:3:12: entry 1: `expires` must be a date YYYY-MM-DD, got "2026-02-30"');
  });

  it('rejects an unknown key (a typo would otherwise silently never expire)', () => {
    const err = errorOf(() => parseBaseline('- id: abc\n  reason: r\n  expiry: 2026-12-01\n', 'b.yml'));
    expect(err.message).toBe('b.yml:3:3: entry 1: unknown key `expiry` (allowed: id, reason, expires)');
  });

  it('rejects a mapping at the top level and a duplicate id', () => {
    expect(errorOf(() => parseBaseline('id: abc\nreason: r\n', 'b.yml')).message).toMatch(/^b\.yml:1:1: expected a list of entries/);
    expect(errorOf(() => parseBaseline('- {id: a, reason: r}\n- {id: a, reason: s}\n', 'b.yml')).message).toBe('b.yml:2:8: entry 2: id a is already listed in entry 1');
  });

  it('reports YAML and JSON syntax errors with line and column', () => {
    const yamlErr = errorOf(() => parseBaseline('- id: abc\n  id: def\n  reason: r\n', 'b.yml'));
    expect(yamlErr.message).toBe('b.yml:2:3: not valid YAML or JSON: Map keys must be unique');
    expect(errorOf(() => parseBaseline('- id: abc\n  reason: "unterminated\n', 'b.yml')).message).toMatch(/^b\.yml:\d+:\d+: not valid YAML or JSON: Missing closing "quote/);
    const jsonErr = errorOf(() => parseBaseline('[{"id": "a", "reason": "r"},\n {"id": "b" "reason": "s"}]', 'b.json'));
    expect(jsonErr.message).toBe('b.json:2:13: not valid YAML or JSON: Unexpected double-quoted-scalar token');
  });

  it('loadBaseline reads a file and says clearly when it does not exist', async () => {
    const path = join(dir, 'baseline.yml');
    writeFileSync(path, '- id: abc\n  reason: r\n');
    expect((await loadBaseline(path)).map((e) => e.id)).toEqual(['abc']);
    await expect(loadBaseline(join(dir, 'missing.yml'))).rejects.toThrow(`${join(dir, 'missing.yml')}: baseline file not found`);
  });

  it('formatBaseline writes a file parseBaseline reads back, with titles as comments', () => {
    const report = richReport();
    const entries = baselineFromReport(report, 'accepted at launch', '2027-01-31');
    expect(entries.length).toBe(report.findings.filter((f) => f.status === 'fail' || f.status === 'warn').length);
    const text = formatBaseline(entries, report.findings);
    expect(text).toContain('# authorization/object-level: Bob (globex)');
    expect(parseBaseline(text, 'b.yml').map(({ id, reason, expires }) => ({ id, reason, expires }))).toEqual(entries);
  });
});

describe('applyBaseline: accepted findings leave the verdict, score and blockers', () => {
  const report = richReport();
  const bola = report.findings.find((f) => f.check === 'authorization/object-level')!;

  it('removes a suppressed finding everywhere it counts and lists it with its reason', () => {
    const out = applyBaseline(report, [{ id: bola.id, reason: 'fixture data, not a tenant', expires: '2026-12-31' }], NOW);
    expect(out.findings.some((f) => f.id === bola.id)).toBe(false);
    expect(out.blockers).not.toContain(bola.id);
    expect(out.blockers).toEqual(blockersOf(out.findings));
    expect(out.score).toBe(report.score! + 25);
    expect(out.scorecard.find((r) => r.area === 'authorization')!.status).toBe('skip');
    expect(out.suppressed).toEqual([{ id: bola.id, reason: 'fixture data, not a tenant', expires: '2026-12-31' }]);
    // The input report is left untouched (renderers and the store may still hold it).
    expect(report.findings.some((f) => f.id === bola.id)).toBe(true);
  });

  it('recomputes the verdict: suppressing every failing high finding leaves incomplete (the error still counts)', () => {
    const blocking = report.findings.filter((f) => f.status === 'fail' && (f.severity === 'high' || f.severity === 'critical'));
    const out = applyBaseline(report, blocking.map((f) => ({ id: f.id, reason: 'accepted' })), NOW);
    expect(report.verdict).toBe('not-ready');
    expect(out.verdict).toBe('incomplete');
    expect(out.verdict).toBe(verdictOf(out.findings, 'high', out.incomplete));
    expect(applyBaseline(report, blocking.map((f) => ({ id: f.id, reason: 'accepted' })), NOW, { failOn: 'medium' }).verdict).toBe('not-ready');
  });

  it('an expired entry stops suppressing and the finding carries a note saying so', () => {
    const out = applyBaseline(report, [{ id: bola.id, reason: 'temporary', expires: '2026-11-22', source: 'b.yml:1:3' }], NOW);
    const shown = out.findings.find((f) => f.id === bola.id)!;
    expect(shown).toBeDefined();
    expect(out.blockers).toContain(bola.id);
    expect(out.score).toBe(report.score);
    expect(shown.evidence.notes?.at(-1)).toBe('Baseline entry expired on 2026-11-22 (b.yml:1:3) — it was accepted because: temporary. It counts again.');
    const facts = readFacts(out).baseline!;
    expect(facts.expired).toEqual([{ id: bola.id, reason: 'temporary', expires: '2026-11-22', source: 'b.yml:1:3' }]);
    expect(facts.notes[0]).toContain('expired on 2026-11-22 and no longer suppresses');
    expect(out.suppressed).toEqual([]);
  });

  it('suppresses through the whole expiry day (UTC) and stops the next day', () => {
    expect(isExpired({ expires: '2026-11-23' }, new Date('2026-11-23T23:59:59Z'))).toBe(false);
    expect(isExpired({ expires: '2026-11-23' }, new Date('2026-11-24T00:00:00Z'))).toBe(true);
    expect(isExpired({}, new Date('2099-01-01'))).toBe(false);
    expect(isExpired({ expires: 'soon' }, NOW)).toBe(true);
  });

  it('notes entries that matched nothing, so fixed problems get their entry deleted', () => {
    const out = applyBaseline(report, [{ id: 'ffffffffffffffff', reason: 'old' }], NOW);
    expect(out.findings).toHaveLength(report.findings.length);
    expect(readFacts(out).baseline!.unmatched).toEqual([{ id: 'ffffffffffffffff', reason: 'old' }]);
    expect(readFacts(out).baseline!.notes).toEqual(['Baseline entry ffffffffffffffff matched no finding in this run: if the problem is fixed, delete the entry.']);
  });

  it('applying the same baseline twice changes nothing more', () => {
    const entries = [{ id: bola.id, reason: 'r' }];
    const once = applyBaseline(report, entries, NOW);
    const twice = applyBaseline(once, entries, NOW);
    expect(twice.findings).toEqual(once.findings);
    expect(twice.suppressed).toEqual(once.suppressed);
    expect(twice.score).toBe(once.score);
    expect(readFacts(twice).baseline!.unmatched).toEqual([]);
  });

  it('keeps the scorecard rows the run had (an --only run stays narrow)', () => {
    const narrow = { ...report, scorecard: report.scorecard.filter((r) => r.area === 'authorization' || r.area === 'secrets') };
    const out = applyBaseline(narrow, [{ id: bola.id, reason: 'r' }], NOW);
    expect(out.scorecard.map((r) => r.area)).toEqual(['authorization', 'secrets']);
    expect(out.score).toBe(scoreOf(out.findings));
  });
});

describe('inline suppressions', () => {
  it('parses the marker with checks, expiry and reason', () => {
    expect(parseInlineSuppression("const k = 'x'; // launchready-ignore -- documented test key")).toEqual({ nextLine: false, checks: [], reason: 'documented test key' });
    expect(parseInlineSuppression('# launchready-ignore-next-line secrets/committed-secret expires=2026-12-31 -- rotating this week')).toEqual({
      nextLine: true,
      checks: ['secrets/committed-secret'],
      expires: '2026-12-31',
      reason: 'rotating this week',
    });
    expect(parseInlineSuppression('<!-- launchready-ignore: demo value -->')).toEqual({ nextLine: false, checks: [], reason: 'demo value' });
    expect(parseInlineSuppression('const ignore = true;')).toBeUndefined();
  });

  it('turns a marker on the finding line, or the line above with -next-line, into a baseline entry', () => {
    const report = richReport();
    const stripe = report.findings.find((f) => f.location.file === 'src/billing/stripe.ts')!;
    const env = report.findings.find((f) => f.location.file === 'src/server.ts')!;
    const history = report.findings.find((f) => f.location.commit)!;
    const files: Record<string, string[]> = {
      'src/billing/stripe.ts': Array.from({ length: 12 }, (_, i) => (i === 11 ? "const key = 'sk_…'; // launchready-ignore secrets/committed-secret -- test-mode key in a fixture" : '')),
      'src/server.ts': Array.from({ length: 40 }, (_, i) => (i === 38 ? '// launchready-ignore-next-line deployment/env-preflight -- set by the platform' : '')),
      'config/old.env': ['', '', '# launchready-ignore -- history'],
    };
    const entries = inlineSuppressions(report.findings, (file) => files[file]);
    expect(entries).toEqual([
      { id: stripe.id, reason: 'test-mode key in a fixture', source: 'inline src/billing/stripe.ts:12' },
      { id: env.id, reason: 'set by the platform', source: 'inline src/server.ts:39' },
    ]);
    // A marker limited to another check does not apply; a history finding is never matched by the working tree.
    expect(entries.some((e) => e.id === history.id)).toBe(false);
    const wrongCheck = inlineSuppressions([stripe], () => ['', '', '', '', '', '', '', '', '', '', '', '// launchready-ignore deployment/env-preflight -- nope']);
    expect(wrongCheck).toEqual([]);
    const out = applyBaseline(report, entries, NOW);
    expect(out.suppressed?.map((s) => s.reason)).toEqual(['test-mode key in a fixture', 'set by the platform']);
  });

  it('reads files on disk under the root only', () => {
    const root = join(dir, 'repo');
    mkdirSync(join(root, 'src', 'billing'), { recursive: true });
    writeFileSync(join(root, 'src', 'billing', 'stripe.ts'), `${'\n'.repeat(11)}const key = x; // launchready-ignore -- fixture\n`);
    writeFileSync(join(dir, 'outside.ts'), '// launchready-ignore -- should never be read\n');
    const report = richReport();
    const stripe = report.findings.find((f) => f.location.file === 'src/billing/stripe.ts')!;
    const outside = { ...stripe, id: 'outside', location: { file: '../outside.ts', line: 1 } };
    expect(loadInlineSuppressions([stripe, outside], root)).toEqual([{ id: stripe.id, reason: 'fixture', source: 'inline src/billing/stripe.ts:12' }]);
  });
});

describe('applyBaseline without entries', () => {
  it('returns the report unchanged (no empty baseline facts in the JSON)', () => {
    const report = richReport();
    expect(applyBaseline(report, [], NOW)).toBe(report);
  });
});
