import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_KEY, renderSarif } from '../../src/report/sarif.js';
import { fixtureMetas, richReport } from '../fixtures/reports/rich-report.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- SARIF is read back as plain JSON */

const schema = JSON.parse(readFileSync(new URL('../fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8'));

/** The schema's formats, checked for real (ajv-formats is not a dependency; these three are all SARIF uses). */
function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('uri', (s: string) => {
    try {
      return new URL(s).protocol.length > 1;
    } catch {
      return false;
    }
  });
  ajv.addFormat('uri-reference', (s: string) => {
    try {
      new URL(s, 'file:///base/');
      return !/\s/.test(s);
    } catch {
      return false;
    }
  });
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}
const validate = validator();

function render(report = richReport()): any {
  return JSON.parse(renderSarif(report, fixtureMetas));
}

describe('renderSarif: SARIF 2.1.0 for code-scanning services', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    const sarif = render();
    const ok = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(sarif.version).toBe('2.1.0');
  });

  it('the schema check is live: a region starting at line 0 and an unknown result key are rejected', () => {
    const bad = render();
    bad.runs[0].results[0].locations[0].physicalLocation = { artifactLocation: { uri: 'a.ts' }, region: { startLine: 0 } };
    expect(validate(bad)).toBe(false);
    const extra = render();
    extra.runs[0].results[0].severity = 'high';
    expect(validate(extra)).toBe(false);
  });

  it('reports only fail and warn findings as results', () => {
    const report = richReport();
    const sarif = render(report);
    const problems = report.findings.filter((f) => f.status === 'fail' || f.status === 'warn');
    expect(sarif.runs[0].results).toHaveLength(problems.length);
    expect(new Set(sarif.runs[0].results.map((r: any) => r.properties.status))).toEqual(new Set(['fail', 'warn']));
  });

  it('gives file-located findings a physical location with line and column, relative to the source root', () => {
    const sarif = render();
    const secret = sarif.runs[0].results.find((r: any) => r.ruleId === 'secrets/committed-secret' && !r.properties.commit);
    expect(secret.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'src/billing/stripe.ts', uriBaseId: '%SRCROOT%' },
      region: { startLine: 12, startColumn: 18 },
    });
    const history = sarif.runs[0].results.find((r: any) => r.properties.commit);
    expect(history.properties.commit).toBe('9c1e2f3a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d0');
    const env = sarif.runs[0].results.find((r: any) => r.ruleId === 'deployment/env-preflight');
    expect(env.locations[0].physicalLocation.region).toEqual({ startLine: 40, startColumn: 22 });
  });

  it('gives URL and domain findings logical locations, with the URL and method in properties', () => {
    const sarif = render();
    const bola = sarif.runs[0].results.find((r: any) => r.ruleId === 'authorization/object-level');
    expect(bola.locations[0].physicalLocation).toBeUndefined();
    expect(bola.locations[0].logicalLocations).toEqual([
      { name: 'GET /api/invoices/7', fullyQualifiedName: 'GET https://app.example.com/api/invoices/7', kind: 'resource' },
    ]);
    expect(bola.properties).toMatchObject({ url: 'https://app.example.com/api/invoices/7', method: 'GET', area: 'authorization', severity: 'critical' });
    expect(bola.properties.evidence.reproduce).toContain('curl -i');
    const dmarc = sarif.runs[0].results.find((r: any) => r.ruleId === 'email/dmarc');
    expect(dmarc.locations[0].logicalLocations[0].name).toBe('example.com TXT _dmarc.example.com');
    expect(dmarc.properties.domain).toBe('example.com');
  });

  it('fingerprints each result with the finding id, identical across runs', () => {
    const report = richReport();
    const first = render(report);
    const second = render({ ...richReport(), startedAt: '2026-11-24T09:00:00.000Z', durationMs: 1 });
    const ids = first.runs[0].results.map((r: any) => r.partialFingerprints[FINGERPRINT_KEY]);
    expect(ids).toEqual(report.findings.filter((f) => f.status === 'fail' || f.status === 'warn').map((f) => f.id));
    expect(second.runs[0].results.map((r: any) => r.partialFingerprints[FINGERPRINT_KEY])).toEqual(ids);
  });

  it('builds rules from check meta: descriptions, help with the fix, helpUri, level by severity, area tag', () => {
    const sarif = render();
    const rules = sarif.runs[0].tool.driver.rules;
    expect(rules.map((r: any) => r.id)).toEqual(fixtureMetas.map((m) => m.id));
    const bola = rules.find((r: any) => r.id === 'authorization/object-level');
    expect(bola.shortDescription.text).toBe("One tenant cannot read another tenant's records by changing an ID");
    expect(bola.fullDescription.text).toContain('every customer');
    expect(bola.help.text).toContain('Fix: Scope every lookup');
    expect(bola.help.markdown).toContain('**Fix:**');
    expect(bola.helpUri).toBe('https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/');
    expect(bola.defaultConfiguration.level).toBe('error');
    expect(bola.properties.tags).toEqual(expect.arrayContaining(['security', 'authorization', 'OWASP API1:2023']));
    expect(bola.properties['security-severity']).toBe('9.5');
    expect(rules.find((r: any) => r.id === 'edge/security-headers').defaultConfiguration.level).toBe('note');
    expect(rules.find((r: any) => r.id === 'email/dmarc').defaultConfiguration.level).toBe('warning');
    // Every result points at its own rule.
    for (const r of sarif.runs[0].results) expect(rules[r.ruleIndex].id).toBe(r.ruleId);
  });

  it('a warn never reads as an error, and a check without meta still gets a rule', () => {
    const report = richReport();
    report.findings.push({ ...report.findings[0]!, id: 'nometa0000000001', check: 'edge/unknown-check', status: 'warn', severity: 'high' });
    const sarif = JSON.parse(renderSarif(report, fixtureMetas));
    expect(validate(sarif)).toBe(true);
    const result = sarif.runs[0].results.find((r: any) => r.ruleId === 'edge/unknown-check');
    expect(result.level).toBe('warning');
    expect(sarif.runs[0].tool.driver.rules[result.ruleIndex].id).toBe('edge/unknown-check');
  });

  it('carries secrets only as prefix, length and hash, and says what could not be tested', () => {
    const text = renderSarif(richReport(), fixtureMetas);
    const sarif = JSON.parse(text);
    const secret = sarif.runs[0].results.find((r: any) => r.ruleId === 'secrets/committed-secret');
    expect(secret.properties.evidence.value).toEqual({ prefix: 'sk_l', length: 107, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications.map((n: any) => n.message.text);
    expect(notes).toContain('Not tested: performance: the landing page could not be measured (Chromium crashed).');
    expect(notes.some((n: string) => n.startsWith('performance/landing-lcp could not run'))).toBe(true);
    expect(sarif.runs[0].invocations[0].executionSuccessful).toBe(true);
  });

  it('validates an empty report too', () => {
    const empty = { ...richReport(), findings: [], blockers: [], accessMatrix: [], latency: {}, incomplete: [], facts: undefined };
    const sarif = JSON.parse(renderSarif(empty, []));
    expect(validate(sarif)).toBe(true);
    expect(sarif.runs[0].results).toEqual([]);
  });
});
