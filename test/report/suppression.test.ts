import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { applyBaseline, parseBaseline } from '../../src/model/baseline.js';
import { renderHandover } from '../../src/report/handover.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { FINGERPRINT_KEY, renderSarif } from '../../src/report/sarif.js';
import { fixtureMetas, richConfig, richReport } from '../fixtures/reports/rich-report.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered formats are read back as plain data */

/** One baseline, every format: an accepted finding disappears from each, and is listed as accepted in each. */
describe('a baseline applies to every format', () => {
  const base = richReport();
  const bola = base.findings.find((f) => f.check === 'authorization/object-level')!;
  const stripe = base.findings.find((f) => f.location.file === 'src/billing/stripe.ts')!;
  const dmarc = base.findings.find((f) => f.check === 'email/dmarc')!;
  const entries = parseBaseline(
    [
      `- id: ${bola.id}`,
      '  reason: invoice 7 is a public sample invoice',
      '  expires: 2026-12-31',
      `- id: ${stripe.id}`,
      '  reason: test-mode key in a fixture',
      `- id: ${dmarc.id}`,
      '  reason: moving to p=reject after the launch mailing',
      '  expires: 2026-11-01',
    ].join('\n'),
    'launchready-baseline.yml',
  );
  const report = applyBaseline(base, entries, new Date('2026-11-23T09:00:00Z'));
  const gone = [bola, stripe];

  it('JSON: gone from findings and blockers, listed in suppressed with the reason', () => {
    const json = JSON.parse(renderJson(report));
    for (const f of gone) {
      expect(json.findings.map((x: any) => x.id)).not.toContain(f.id);
      expect(json.blockers).not.toContain(f.id);
    }
    // In the run's finding order.
    expect(json.suppressed).toEqual([
      { id: stripe.id, reason: 'test-mode key in a fixture' },
      { id: bola.id, reason: 'invoice 7 is a public sample invoice', expires: '2026-12-31' },
    ]);
    expect(json.score).toBe(base.score! + 25 + 25);
    // The expired entry's finding is back, with a note that says why.
    expect(json.findings.find((x: any) => x.id === dmarc.id).evidence.notes.at(-1)).toMatch(/^Baseline entry expired on 2026-11-01/);
  });

  it('HTML: no finding, no blocker; a "Suppressed" section with the reasons and the expiry note', () => {
    const html = renderHtml(report, fixtureMetas);
    for (const f of gone) {
      expect(html).not.toContain(`id="f-${f.id}"`);
      expect(html).not.toContain(`href="#f-${f.id}"`);
      expect(html).not.toContain(f.title.replace(/'/g, '&#39;'));
    }
    expect(html).toContain('<h2 id="suppressed-h">Suppressed by the baseline</h2>');
    expect(html).toContain('<td>invoice 7 is a public sample invoice</td><td>2026-12-31</td>');
    expect(html).toContain('expired on 2026-11-01 and no longer suppresses');
  });

  it('SARIF: no result carries the fingerprint; the run lists what was suppressed', () => {
    const sarif = JSON.parse(renderSarif(report, fixtureMetas));
    const fingerprints = sarif.runs[0].results.map((r: any) => r.partialFingerprints[FINGERPRINT_KEY]);
    for (const f of gone) expect(fingerprints).not.toContain(f.id);
    expect(fingerprints).toContain(dmarc.id);
    expect(sarif.runs[0].properties.suppressed.map((s: any) => s.id)).toEqual([stripe.id, bola.id]);
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications.some((n: any) => n.message.text.includes('expired on 2026-11-01'))).toBe(true);
  });

  it('JUnit: no test case for it; the run case lists it with the reason', () => {
    const xml = renderJunit(report, fixtureMetas);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'testsuite' || n === 'testcase' }).parse(xml).testsuites;
    const cases = doc.testsuite.flatMap((s: any) => s.testcase);
    expect(cases.some((c: any) => c.name.startsWith('authorization/object-level'))).toBe(false);
    expect(cases.some((c: any) => c.name === 'secrets/committed-secret src/billing/stripe.ts:12:18')).toBe(false);
    expect(cases.some((c: any) => c.name.startsWith('email/dmarc') && c.failure)).toBe(true);
    const run = cases.find((c: any) => c.name === 'run completeness');
    expect(run['system-out']).toContain(`Suppressed ${bola.id}: invoice 7 is a public sample invoice (until 2026-12-31)`);
    expect(Number(doc.failures)).toBe(base.findings.filter((f) => f.status === 'fail').length - 2);
  });

  it('Handover: not among the open blockers; listed as accepted', () => {
    const md = renderHandover(report, richConfig());
    const blockers = md.slice(md.indexOf('## Open blockers'), md.indexOf('## Domains'));
    expect(blockers).not.toContain('Bob (globex)');
    expect(blockers).not.toContain('Stripe live secret key');
    expect(md).toContain(`| \`${bola.id}\` | invoice 7 is a public sample invoice | 2026-12-31 |`);
  });
});
