import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { AREAS } from '../../src/model/area.js';
import { renderJunit } from '../../src/report/junit.js';
import { HOSTILE_BODY, fixtureMetas, richReport } from '../fixtures/reports/rich-report.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- parsed XML is plain data */

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
});

function parse(xml: string): any {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml).testsuites;
}

const allCases = (doc: any): any[] => doc.testsuite.flatMap((s: any) => s.testcase);

describe('renderJunit: JUnit XML any CI shows natively', () => {
  const report = richReport();
  const xml = renderJunit(report, fixtureMetas);
  const doc = parse(xml);

  it('is well-formed XML 1.0: control characters from hostile responses are removed, markup is escaped', () => {
    // eslint-disable-next-line no-control-regex -- asserting those characters are gone
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain(']]></failure>\u0000');
    const iv = allCases(doc).find((c) => c.name.startsWith('input-validation/server-error'));
    // The hostile body survives as text (minus the control characters), inside its own failure.
    expect(iv.failure['#text']).toContain('<script>window.__pwned = true;');
    expect(iv.failure['#text']).toContain(']]></failure>[31m<style>');
    expect(HOSTILE_BODY).toContain('\u001b[31m');
  });

  it('has one test case per finding (check × place), classname = area, name = check id + location', () => {
    const cases = allCases(doc);
    for (const f of report.findings) {
      const matching = cases.filter((c) => c.classname === f.area && c.name.startsWith(`${f.check} `));
      expect(matching.length, f.check).toBeGreaterThan(0);
    }
    expect(cases.find((c) => c.name === 'authorization/object-level GET https://app.example.com/api/invoices/7 (identity bob reads tenant acme)')).toBeDefined();
    expect(cases.find((c) => c.name === 'secrets/committed-secret src/billing/stripe.ts:12:18')).toBeDefined();
  });

  it('counts add up: totals on <testsuites> and each <testsuite> match the cases, and match the findings', () => {
    const cases = allCases(doc);
    const count = (pred: (c: any) => boolean) => cases.filter(pred).length;
    expect(Number(doc.tests)).toBe(cases.length);
    expect(Number(doc.failures)).toBe(count((c) => c.failure !== undefined));
    expect(Number(doc.errors)).toBe(count((c) => c.error !== undefined));
    expect(Number(doc.skipped)).toBe(count((c) => c.skipped !== undefined));
    for (const s of doc.testsuite) {
      expect(Number(s.tests)).toBe(s.testcase.length);
      expect(Number(s.failures)).toBe(s.testcase.filter((c: any) => c.failure !== undefined).length);
      expect(Number(s.errors)).toBe(s.testcase.filter((c: any) => c.error !== undefined).length);
      expect(Number(s.skipped)).toBe(s.testcase.filter((c: any) => c.skipped !== undefined).length);
    }
    const by = (status: string) => report.findings.filter((f) => f.status === status).length;
    expect(Number(doc.failures)).toBe(by('fail'));
    // Errors: every errored check, plus the run itself because it is incomplete.
    expect(Number(doc.errors)).toBe(by('error') + 1);
    const untestedAreas = AREAS.filter((a) => !report.findings.some((f) => f.area === a)).length;
    expect(Number(doc.skipped)).toBe(by('skip') + untestedAreas);
  });

  it('a failure carries the finding text, the evidence and the fix; skip and error carry their reason', () => {
    const cases = allCases(doc);
    const bola = cases.find((c) => c.name.startsWith('authorization/object-level'));
    expect(bola.failure.message).toBe("Bob (globex) can read Alice's invoice 7 (acme) by changing the ID");
    expect(bola.failure.type).toBe('critical');
    expect(bola.failure['#text']).toContain('Fix: Scope every lookup');
    expect(bola.failure['#text']).toContain("Reproduce:\n  curl -i 'https://app.example.com/api/invoices/7'");
    expect(bola.failure['#text']).toContain('Why it matters: If changing an ID');
    const skipped = cases.find((c) => c.name.startsWith('rate-limiting/login'));
    expect(skipped.skipped.message).toBe('No throw-away account was configured, so login throttling was not tested.');
    const errored = cases.find((c) => c.name.startsWith('performance/landing-lcp'));
    expect(errored.error.message).toBe('Chromium crashed while loading the landing page (exit code 139).');
    const warned = cases.find((c) => c.name.startsWith('edge/security-headers'));
    expect(warned.failure).toBeUndefined();
    expect(warned['system-out']).toContain('WARNING (low): No Content-Security-Policy header');
    const passed = cases.find((c) => c.name.startsWith('cors-csrf/reflected-origin'));
    expect(Object.keys(passed).sort()).toEqual(['classname', 'name', 'time']);
  });

  it('shows an incomplete run as an error, and a run with nothing failing as all green', () => {
    const run = doc.testsuite.find((s: any) => s.name === 'launchready run');
    expect(run.testcase[0].error.message).toMatch(/^Incomplete: 1 part/);
    const clean = {
      ...report,
      verdict: 'ready' as const,
      incomplete: [],
      findings: report.findings.filter((f) => f.status === 'pass'),
    };
    const green = parse(renderJunit(clean));
    expect([green.failures, green.errors].map(Number)).toEqual([0, 0]);
  });

  it('never carries a secret value: a secret is its prefix, length and hash', () => {
    const secret = allCases(doc).find((c) => c.name === 'secrets/committed-secret src/billing/stripe.ts:12:18');
    expect(secret.failure['#text']).toContain('Secret: starts with "sk_l", 107 characters, sha256 a3f1c2d4');
  });
});
