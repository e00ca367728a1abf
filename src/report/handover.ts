import type { Config } from '../config/schema.js';
import { AREA_TITLES } from '../model/area.js';
import { groupsOf, type Report } from '../model/report.js';
import { hours, placesText, sprintRows } from './verdict-words.js';
import { STATUS_WORDS, plural, stripControl } from './describe.js';
import { mdCode, mdText } from './md.js';
import { readFacts, type DomainFact, type MailFact } from './facts.js';

/**
 * `--format handover`: the Markdown checklist for whoever runs the product after launch — what was
 * found about the live product (domains and DNS records, certificates, mail authentication, env vars,
 * webhooks, monitors), the open blockers, and the rollback path and owners from the config. Anything
 * missing says "not documented" or "not checked" instead of disappearing. No secret value appears:
 * env vars are names and places, webhooks are URLs and schemes (the config's webhook secrets are never read).
 */
export type HandoverConfig = Partial<Pick<Config, 'handover' | 'domains' | 'webhooks' | 'mail' | 'target'>>;

/** Roles every product needs an owner for; owners the config names beyond these are listed too. */
const OWNER_ROLES: Array<[string, string]> = [
  ['dns', 'Domains and DNS'],
  ['certificates', 'TLS certificates'],
  ['secrets', 'Secrets and credentials'],
  ['deploys', 'Deploys and rollback'],
  ['alerts', 'Alerts and on-call'],
];

const NOT_DOCUMENTED = '**Not documented.**';

export { mdCode, mdText } from './md.js';

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map((c) => c || '—').join(' | ')} |`)].join('\n');
}

function yesNo(v: boolean | undefined, yes = 'yes', no = '**no**'): string {
  return v === undefined ? 'unknown' : v ? yes : no;
}

function hostOf(target: string): string {
  try {
    return new URL(target).host || target;
  } catch {
    return target;
  }
}

export function renderHandover(report: Report, config: HandoverConfig = {}): string {
  const facts = readFacts(report);
  const out: string[] = [];
  const verdictWord = report.verdict === 'ready' ? 'Ready' : report.verdict === 'not-ready' ? 'Not ready' : 'Incomplete';

  out.push(`# Handover: ${mdText(hostOf(report.target) || 'the product')}`);
  out.push('');
  out.push(
    `What launchready ${mdText(report.tool.version)} found about the live product at ${mdText(report.target)} on ${mdText(report.startedAt.slice(0, 10))}. ` +
      `Verdict: **${verdictWord}**, ${mdText(report.score === null ? (report.scoreNote ?? 'no score') : `score ${report.score}/100`)}. Secret values never appear here: env vars are listed by name, secrets by where they live.`,
  );

  // Owners and rollback come first: they are what the next person needs in an incident.
  out.push('', '## Owners', '');
  const owners = config.handover?.owners ?? {};
  const ownerRows: string[][] = OWNER_ROLES.map(([key, label]) => [mdText(label), owners[key] ? mdText(owners[key]) : NOT_DOCUMENTED]);
  for (const [key, who] of Object.entries(owners)) if (!OWNER_ROLES.some(([k]) => k === key)) ownerRows.push([mdText(key), mdText(who)]);
  out.push(table(['Responsibility', 'Owner'], ownerRows));
  if (Object.keys(owners).length === 0) out.push('', 'No owner is documented: add `handover.owners` to launchready.yml (for example `dns: ops@example.com`).');

  out.push('', '## Rollback', '');
  const rollback = config.handover?.rollback?.trim();
  // The config's own words, written for people: kept as Markdown.
  out.push(rollback ? stripControl(rollback) : `${NOT_DOCUMENTED} Write down how to roll back a bad deploy and point \`handover.rollback\` in launchready.yml at it.`);

  out.push('', '## Open blockers, in fix order', '');
  const groups = groupsOf(report);
  if (groups.length === 0) out.push('None: no failing finding at medium severity or above.');
  else
    groups.forEach((g, i) => {
      out.push(`${i + 1}. **${mdText(g.title)}** (${g.severity}, ${mdText(AREA_TITLES[g.area])}, about ${hours(g.effort.hours)}) — ${mdText(placesText(g.places, 5))}`);
      out.push(`   Fix: ${mdText(g.fix)}`);
    });
  const sprint = sprintRows(report);
  out.push('', '## 48-hour rescue sprint', '');
  out.push(mdText(sprint.verdict));
  if (sprint.rows.length > 0) {
    out.push('', table(['Hours', 'Phase', 'Blockers', 'Effort'], sprint.rows.map((r) => [`${r.from}–${r.to}`, mdText(r.title), String(r.groups.length), hours(r.hours)])));
    out.push('', `Estimates: ${mdText(sprint.plan.basis)}.`);
  }
  if (report.incomplete.length > 0) {
    out.push('', 'Not tested in this run:', '');
    for (const r of report.incomplete) out.push(`- ${mdText(r)}`);
  }
  if (report.waivers && report.waivers.length > 0) {
    out.push('', 'Waived in launchready.yml (not tested on purpose):', '');
    out.push(table(['Area', 'Reason'], report.waivers.map((w) => [mdText(AREA_TITLES[w.area]), mdText(w.reason)])));
  }

  out.push('', '## Domains and DNS records', '');
  out.push(...domainsSection(facts.domains, config.domains ?? []));

  out.push('', '## Certificates', '');
  if (!facts.certificates) out.push('Not checked in this run (run `launchready domain DOMAIN`).');
  else if (facts.certificates.length === 0) out.push('No certificate was seen.');
  else
    out.push(
      table(
        ['Host', 'Subject', 'Issuer', 'Valid from', 'Expires', 'Days left', 'Protocol', 'Chain valid'],
        facts.certificates.map((c) => [
          mdText(c.host),
          mdText(c.subject),
          mdText(c.issuer),
          mdText(c.validFrom.slice(0, 10)),
          `**${mdText(c.validTo.slice(0, 10))}**`,
          typeof c.daysLeft === 'number' ? (c.daysLeft < 21 ? `**${c.daysLeft}**` : String(c.daysLeft)) : '',
          mdText(c.protocol ?? ''),
          yesNo(c.chainValid),
        ]),
      ),
    );

  out.push('', '## Mail authentication', '');
  out.push(...mailSection(facts.mail, config.mail));

  out.push('', '## Environment variables', '');
  if (!facts.env) out.push('Not checked in this run (run `launchready scan PATH` to build the inventory).');
  else if (facts.env.length === 0) out.push('The code reads no environment variable that was found.');
  else {
    out.push('Names and where they are used only — never values.', '');
    out.push(
      table(
        ['Name', 'Used in', 'Documented in', 'Set in'],
        [...facts.env]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((e) => [
            mdCode(e.name) + (e.optional ? ' (optional)' : ''),
            e.usedIn.map((u) => mdCode(u.line ? `${u.file}:${u.line}` : u.file)).join(', '),
            e.documentedIn && e.documentedIn.length > 0 ? e.documentedIn.map(mdCode).join(', ') : NOT_DOCUMENTED,
            e.setIn && e.setIn.length > 0 ? e.setIn.map(mdCode).join(', ') : e.setIn ? '**not set anywhere found**' : 'unknown',
          ]),
      ),
    );
  }

  out.push('', '## Webhooks', '');
  if (facts.webhooks && facts.webhooks.length > 0)
    out.push(
      table(
        ['Endpoint', 'Scheme', 'Signature header', 'Rejects forged deliveries'],
        facts.webhooks.map((w) => [mdCode(w.url), mdText(w.scheme), w.header ? mdCode(w.header) : '', yesNo(w.verifiesSignature) + (w.note ? ` — ${mdText(w.note)}` : '')]),
      ),
    );
  else if (config.webhooks && config.webhooks.length > 0)
    out.push(
      'Configured, not verified in this run:',
      '',
      table(
        ['Endpoint', 'Scheme'],
        config.webhooks.map((w) => [mdCode(w.url), mdText(w.scheme)]),
      ),
    );
  else out.push(facts.webhooks ? 'No webhook endpoint was found.' : 'None configured (`webhooks` in launchready.yml) and none found.');

  out.push('', '## Monitors', '');
  if (facts.monitors && facts.monitors.length > 0)
    out.push(
      table(
        ['Name', 'Kind', 'Target', 'Interval', 'Alerts go to', 'Status'],
        facts.monitors.map((m) => [
          mdText(m.name),
          mdText(m.kind),
          mdCode(m.target),
          mdText(m.interval ?? ''),
          m.alertsTo && m.alertsTo.length > 0 ? m.alertsTo.map(mdText).join(', ') : NOT_DOCUMENTED,
          mdText(m.status ?? ''),
        ]),
      ),
    );
  else out.push(`${NOT_DOCUMENTED} No monitor is configured: \`launchready monitor --config launchready.yml\` runs uptime and synthetic-login probes.`);

  out.push('', '## Checklist status', '');
  out.push(
    table(
      ['Area', 'Status', 'Fail', 'Warn', 'Pass', 'Skipped', 'Error'],
      report.scorecard.map((r) => [
        mdText(AREA_TITLES[r.area]),
        r.status === 'fail' ? `**${STATUS_WORDS[r.status]}**` : STATUS_WORDS[r.status],
        String(r.counts.fail),
        String(r.counts.warn),
        String(r.counts.pass),
        String(r.counts.skip),
        String(r.counts.error),
      ]),
    ),
  );

  const suppressed = report.suppressed ?? [];
  const notes = facts.baseline?.notes ?? [];
  if (suppressed.length > 0 || notes.length > 0) {
    out.push('', '## Accepted findings (baseline)', '');
    if (suppressed.length > 0) {
      out.push(`${plural(suppressed.length, 'finding is', 'findings are')} accepted and left out of the verdict:`, '');
      out.push(table(['Finding id', 'Reason', 'Expires'], suppressed.map((s) => [mdCode(s.id), mdText(s.reason), mdText(s.expires ?? 'never')])));
    }
    for (const n of notes) out.push(`- ${mdText(n)}`);
  }
  out.push('');
  return out.join('\n');
}

function domainsSection(domains: DomainFact[] | undefined, configured: readonly string[]): string[] {
  if (!domains || domains.length === 0) {
    if (configured.length === 0) return [`${NOT_DOCUMENTED} No domain is configured (\`domains\` in launchready.yml) and none was checked.`];
    return ['Configured, not checked in this run (run `launchready domain DOMAIN`):', '', ...configured.map((d) => `- ${mdText(d)}`)];
  }
  const out: string[] = [];
  for (const d of domains) {
    out.push(`### ${mdText(d.name)}`, '');
    const facts = [`Resolves: ${d.resolves ? 'yes' : '**no**'}`];
    if (d.canonical) facts.push('canonical host');
    if (d.redirectsTo) facts.push(`redirects to ${mdCode(d.redirectsTo)}`);
    if (d.edge) facts.push(`behind ${mdText(d.edge)}`);
    if (d.note) facts.push(mdText(d.note));
    out.push(facts.join(' · '), '');
    if (d.records.length > 0) {
      out.push(
        table(
          ['Type', 'Name', 'Value', 'TTL'],
          d.records.map((r) => [mdText(r.type), mdText(r.name), mdCode(r.value), r.ttl !== undefined ? String(r.ttl) : '']),
        ),
        '',
      );
    }
  }
  const unchecked = configured.filter((c) => !domains.some((d) => d.name === c));
  if (unchecked.length > 0) out.push(`Configured but not checked: ${unchecked.map(mdText).join(', ')}.`, '');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

function mailSection(mail: MailFact[] | undefined, configured: HandoverConfig['mail']): string[] {
  if (!mail || mail.length === 0) {
    if (!configured) return [`${NOT_DOCUMENTED} No mail domain is configured (\`mail\` in launchready.yml) and none was checked.`];
    return [`Configured, not checked in this run: ${mdText(configured.domain)} (DKIM selectors: ${configured.dkimSelectors.length > 0 ? configured.dkimSelectors.map(mdText).join(', ') : 'none given'}).`];
  }
  const out: string[] = [];
  for (const m of mail) {
    out.push(`### ${mdText(m.domain)}`, '');
    const rows: string[][] = [];
    if (m.mx) rows.push(['MX', m.mx.length > 0 ? m.mx.map(mdCode).join(', ') : '**none**', '']);
    if (m.spf !== undefined) rows.push(['SPF', m.spf ? mdCode(m.spf) : '**missing**', m.spfLookups !== undefined ? `${m.spfLookups} DNS lookups (limit 10)` : '']);
    if (m.dmarc !== undefined) rows.push(['DMARC', m.dmarc ? mdCode(m.dmarc) : '**missing**', m.dmarcPolicy ? `policy ${mdText(m.dmarcPolicy)}` : '']);
    for (const k of m.dkim ?? [])
      rows.push([`DKIM ${mdText(k.selector)}`, k.found ? (k.record ? mdCode(k.record.length > 80 ? `${k.record.slice(0, 77)}…` : k.record) : 'found') : '**not found**', k.keyBits ? `${k.keyBits}-bit key` : '']);
    for (const r of m.other ?? []) rows.push([mdText(r.type), mdCode(r.value), mdText(r.name)]);
    out.push(rows.length > 0 ? table(['Record', 'Value', 'Notes'], rows) : 'No record was looked up.', '');
  }
  out.pop();
  return out;
}
