import { groupsOf } from '../../src/model/report.js';
import { describe, expect, it } from 'vitest';
import { renderHandover, mdCode, mdText } from '../../src/report/handover.js';
import { richConfig, richReport } from '../fixtures/reports/rich-report.js';

function section(md: string, heading: string): string {
  const start = md.indexOf(`\n## ${heading}\n`);
  expect(start, `section ${heading}`).toBeGreaterThan(-1);
  const next = md.indexOf('\n## ', start + 4);
  return md.slice(start, next === -1 ? undefined : next);
}

/** Table rows of a section, as arrays of cells (escaped pipes stay inside their cell). */
function rows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| ---'))
    .map((l) => l.slice(2, -2).split(/(?<!\\) \| /));
}

describe('renderHandover: the checklist for whoever runs the product next', () => {
  const report = richReport();
  const md = renderHandover(report, richConfig());

  it('lists domains with their DNS records, and says which do not resolve', () => {
    const s = section(md, 'Domains and DNS records');
    expect(s).toContain('### example.com');
    expect(s).toContain('| A | example.com | `203.0.113.10` | 300 |');
    expect(s).toContain('| CAA | example.com | `0 issue "letsencrypt.org"` | — |');
    expect(s).toContain('### staging.example.com\n\nResolves: **no** · NXDOMAIN');
  });

  it('lists certificates with their expiry dates and days left', () => {
    const s = section(md, 'Certificates');
    expect(rows(s)[1]).toEqual(['app.example.com', 'CN=app.example.com', "C=US, O=Let's Encrypt, CN=R11", '2026-09-06', '**2026-12-05**', '**12**', 'TLSv1.3', 'yes']);
  });

  it('lists mail authentication records: MX, SPF with lookups, DMARC policy, DKIM selectors found and missing', () => {
    const s = section(md, 'Mail authentication');
    expect(s).toContain('| SPF | `v=spf1 include:_spf.mail.example.net ~all` | 3 DNS lookups (limit 10) |');
    expect(s).toContain('| DMARC | `v=DMARC1; p=none` | policy none |');
    expect(s).toContain('| DKIM s1 |');
    expect(s).toContain('| DKIM google | **not found** | — |');
  });

  it('lists env vars by name and where they are used, documented and set — never a value', () => {
    const s = section(md, 'Environment variables');
    expect(rows(s)).toContainEqual(['`STRIPE_SECRET_KEY`', '`src/billing/stripe.ts:11`, `src/billing/refunds.ts:4`', '`.env.example`', '**not set anywhere found**']);
    expect(rows(s)).toContainEqual(['`DATABASE_URL`', '`src/server.ts:40`', '**Not documented.**', '`fly.toml`']);
    // A gatherer that wrongly attached a value, and the config's webhook secret, never reach the handover.
    const leaky = richReport();
    (leaky.facts!.env as Array<Record<string, unknown>>)[0]!.value = 'postgres://admin:hunter2@db/prod';
    const config = { ...richConfig(), webhooks: [{ url: '/webhooks/stripe', scheme: 'stripe' as const, secret: 'whsec_live_abcdef' }] };
    const out = renderHandover({ ...leaky, facts: { ...leaky.facts, webhooks: undefined } }, config);
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('whsec_live_abcdef');
    expect(section(out, 'Webhooks')).toContain('| `/webhooks/stripe` | stripe |');
  });

  it('lists webhooks with their schemes and whether they reject forged deliveries, and the monitors', () => {
    expect(rows(section(md, 'Webhooks'))).toContainEqual(['`https://app.example.com/webhooks/stripe`', 'stripe', '`Stripe-Signature`', '**no**']);
    expect(rows(section(md, 'Monitors'))).toContainEqual(['uptime app', 'uptime', '`https://app.example.com/`', '1m', '\\#ops (Slack)', 'up']);
  });

  it('lists the open blockers by root cause, in fix order, with their fix', () => {
    const s = section(md, 'Open blockers, in fix order');
    const titles = s.split('\n').filter((l) => /^\d+\. /.test(l));
    // One entry per root cause (check + fix), in blocker-group order.
    const groups = groupsOf(report);
    expect(titles).toHaveLength(groups.length);
    groups.forEach((g, i) => expect(titles[i]).toContain(mdText(g.title)));
    expect(s).toContain('   Fix: Scope every lookup');
  });

  it('shows rollback and owners from the config, with "not documented" for what is missing', () => {
    expect(section(md, 'Rollback')).toContain('docs/rollback.md — `fly releases rollback` to the previous image');
    const owners = rows(section(md, 'Owners'));
    expect(owners).toContainEqual(['Domains and DNS', 'ops@example.com']);
    expect(owners).toContainEqual(['Secrets and credentials', 'cto@example.com']);
    expect(owners).toContainEqual(['Deploys and rollback', '**Not documented.**']);

    const bare = renderHandover({ ...report, facts: {} });
    expect(section(bare, 'Rollback')).toContain('**Not documented.** Write down how to roll back');
    expect(rows(section(bare, 'Owners')).slice(1).every(([, who]) => who === '**Not documented.**')).toBe(true);
    expect(section(bare, 'Certificates')).toContain('Not checked in this run');
    expect(section(bare, 'Environment variables')).toContain('Not checked in this run');
    expect(section(bare, 'Monitors')).toContain('**Not documented.** No monitor is configured');
    expect(section(bare, 'Domains and DNS records')).toContain('**Not documented.** No domain is configured');
  });

  it('names configured domains and mail that were not checked instead of dropping them', () => {
    const out = renderHandover({ ...report, facts: {} }, { domains: ['example.com'], mail: { domain: 'example.com', dkimSelectors: ['s1'] } });
    expect(section(out, 'Domains and DNS records')).toContain('Configured, not checked in this run');
    expect(section(out, 'Mail authentication')).toContain('Configured, not checked in this run: example.com (DKIM selectors: s1)');
  });

  it('keeps hostile record text inert: no raw HTML, no broken tables', () => {
    const hostile = richReport();
    const domains = hostile.facts!.domains as Array<{ records: Array<Record<string, unknown>> }>;
    domains[0]!.records.push({ type: 'TXT', name: 'example.com', value: 'x | y <script>alert(1)</script> `tick`\nnext' });
    const out = renderHandover(hostile, richConfig());
    const table = rows(section(out, 'Domains and DNS records')).filter((r) => r[0] === 'TXT');
    expect(table).toEqual([['TXT', 'example.com', '``x \\| y <script>alert(1)</script> `tick` next``', '—']]);
    // Entities rather than backslashes: an autolinker can swallow a backslash into a URL (markdown-hostile.test.ts).
    expect(mdText('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(mdText('# not a heading')).toBe('\\# not a heading');
    expect(mdCode('a`b')).toBe('``a`b``');
  });

  it('lists the accepted findings of a baseline', () => {
    const out = renderHandover({ ...report, suppressed: [{ id: 'abc123', reason: 'test key', expires: '2026-12-31' }] }, richConfig());
    expect(rows(section(out, 'Accepted findings (baseline)'))).toContainEqual(['`abc123`', 'test key', '2026-12-31']);
  });
});
