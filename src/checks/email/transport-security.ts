import { defineCheck } from '../../engine/check.js';
import { mailGatherer } from './evidence.js';
import type { FindingDraft } from '../../engine/check.js';
import type { DnsRcode } from '../../net/dns/types.js';
import { recordLabel } from './shared.js';

/** A lookup that got no usable answer: say so, never "no record". */
function lookupFailed(rcode: DnsRcode, name: string, domain: string): FindingDraft | undefined {
  if (rcode === 'NOERROR' || rcode === 'NXDOMAIN') return undefined;
  return { status: 'error', location: { domain, record: recordLabel('TXT', name) }, reason: `the TXT lookup of ${name} failed (${rcode}): whether it is published is unknown`, evidence: { notes: [`${name} TXT → ${rcode}`] } };
}

export const mtaSts = defineCheck({
  meta: {
    id: 'email/mta-sts',
    area: 'email',
    severity: 'info',
    title: 'MTA-STS is published (optional hardening)',
    why: 'MTA-STS makes sending servers insist on TLS with a valid certificate when delivering to you, so mail to your domain cannot be downgraded to plain text.',
    breaks: 'An attacker on the network path can strip TLS from mail delivered to your domain.',
    fix: 'Serve a policy at https://mta-sts.<domain>/.well-known/mta-sts.txt and publish TXT at _mta-sts.<domain>: "v=STSv1; id=<date>".',
    references: ['RFC 8461'],
  },
  requires: { mail: mailGatherer },
  run({ mail }) {
    const d = mail.domain;
    const s = mail.mtaSts;
    const location = { domain: d, record: recordLabel('TXT', s.name) };
    const failed = lookupFailed(s.rcode, s.name, d);
    if (failed) return [failed];
    if (s.records.length === 0) {
      const mxLines = (mail.mx.hosts.length ? mail.mx.hosts.map((h) => h.exchange) : [`<your MX host>`]).map((h) => `"mx: ${h}"`).join(', ');
      return [{ status: 'warn', title: `No MTA-STS record at ${s.name}`, location, fix: `Serve https://mta-sts.${d}/.well-known/mta-sts.txt with the lines "version: STSv1", "mode: testing", ${mxLines}, "max_age: 604800" (switch to "mode: enforce" once TLS-RPT reports are clean), then publish TXT at ${s.name}: "v=STSv1; id=20261123T000000".` }];
    }
    if (s.records.length > 1 || !s.parsed?.ok) {
      return [{ status: 'warn', title: `The MTA-STS record at ${s.name} is invalid`, location, evidence: { notes: [...s.records.map((r) => `TXT ${s.name}: "${r}"`), ...(s.parsed?.errors ?? ['more than one record'])] }, fix: `Publish exactly one TXT at ${s.name}: "v=STSv1; id=20261123T000000".` }];
    }
    return [{ status: 'pass', title: `MTA-STS is published for ${d} (id=${s.parsed.id})`, location, evidence: { notes: [`TXT ${s.name}: "${s.records[0]}"`] } }];
  },
});

export const tlsRpt = defineCheck({
  meta: {
    id: 'email/tls-rpt',
    area: 'email',
    severity: 'info',
    title: 'SMTP TLS reporting (TLS-RPT) is published (optional)',
    why: 'TLS-RPT asks sending servers to report TLS failures when delivering to you, so you learn about broken certificates on your MX before mail is lost.',
    breaks: 'TLS problems on inbound mail go unnoticed.',
    fix: 'Publish TXT at _smtp._tls.<domain>: "v=TLSRPTv1; rua=mailto:tls-reports@<domain>".',
    references: ['RFC 8460'],
  },
  requires: { mail: mailGatherer },
  run({ mail }) {
    const d = mail.domain;
    const s = mail.tlsRpt;
    const location = { domain: d, record: recordLabel('TXT', s.name) };
    const failed = lookupFailed(s.rcode, s.name, d);
    if (failed) return [failed];
    if (s.records.length === 0) return [{ status: 'warn', title: `No TLS-RPT record at ${s.name}`, location, fix: `Publish TXT at ${s.name}: "v=TLSRPTv1; rua=mailto:tls-reports@${d}".` }];
    if (s.records.length > 1 || !s.parsed?.ok) {
      return [{ status: 'warn', title: `The TLS-RPT record at ${s.name} is invalid`, location, evidence: { notes: [...s.records.map((r) => `TXT ${s.name}: "${r}"`), ...(s.parsed?.errors ?? ['more than one record'])] }, fix: `Publish exactly one TXT at ${s.name}: "v=TLSRPTv1; rua=mailto:tls-reports@${d}".` }];
    }
    return [{ status: 'pass', title: `TLS-RPT reports for ${d} go to ${s.parsed.rua.join(', ')}`, location, evidence: { notes: [`TXT ${s.name}: "${s.records[0]}"`] } }];
  },
});
