import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPortal, type DemoPortal } from '../../examples/demo-portal/src/index.js';
import { runAudit } from '../../src/app/audit.js';
import { renderText } from '../../src/report/text.js';

/**
 * The first release said READY 100/100 for an app audited without identities. Coverage decides
 * readiness now: the same audit is incomplete, and the report opens with what to add.
 */
describe('an audit without identities', () => {
  let portal: DemoPortal;
  let dir: string;
  beforeAll(async () => {
    portal = await startDemoPortal({ flaws: 'none' });
    dir = mkdtempSync(join(tmpdir(), 'lr-cov-'));
  });
  afterAll(async () => {
    await portal?.close();
  });

  it('is incomplete (not ready), with the identities hint first in the report', async () => {
    const config = join(dir, 'no-identities.yml');
    writeFileSync(config, 'api: { openapi: /openapi.json }\nendpoints: { login: /api/login }\n');
    const report = await runAudit({ url: portal.url, configPath: config, only: ['authorization', 'edge'], failOn: 'high', env: {} });
    expect(report.verdict).toBe('incomplete');
    // Untested, or partial when an anonymous authorization check could run: tenant isolation was not tested either way.
    expect(['untested', 'partial']).toContain(report.coverage!.find((c) => c.area === 'authorization')!.state);
    expect(report.coverage!.find((c) => c.area === 'edge')!.state).toBe('tested');
    expect(report.incomplete[0]).toMatch(/^(Tenant isolation and roles \(authorization\) was not tested|tenant isolation \(authorization\) was not tested).*add two identities in different tenants .*docs\/identities\.md/);
    const text = renderText(report, { color: false });
    const lines = text.split('\n');
    // The verdict, then straight away what was not tested and the config to add.
    expect(lines[1]).toMatch(/^Verdict: INCOMPLETE {3}Score: \d+\/100 \(1 of 2 areas tested, 12 not selected\)/);
    expect(lines[4]).toBe('Not tested (1) — add to launchready.yml:');
    expect(lines[5]).toMatch(/^ {2}- (Tenant isolation and roles|tenant isolation \(Tenant isolation and roles\)): add two identities in different tenants .* — see docs\/identities\.md/);
  });

  it('waiving the area with a reason makes the same audit ready, and the waiver is listed', async () => {
    const config = join(dir, 'waived.yml');
    writeFileSync(config, 'api: { openapi: /openapi.json }\nwaive:\n  authorization: "single-user tool: one account, no tenants"\n');
    const report = await runAudit({ url: portal.url, configPath: config, only: ['authorization', 'edge'], failOn: 'high', env: {} });
    expect(report.verdict).toBe('ready');
    expect(report.waivers).toEqual([{ area: 'authorization', reason: 'single-user tool: one account, no tenants' }]);
    expect(renderText(report, { color: false })).toMatch(/Waived in launchready\.yml:\n {2}- Tenant isolation and roles: single-user tool: one account, no tenants/);
  });
});
