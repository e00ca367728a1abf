import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { DmarcRecord } from '../../mail/dmarc.js';
import { mailGatherer, type MailEvidence } from './evidence.js';
import { dnsFailure, recordLabel } from './shared.js';

const REFS = ['RFC 7489', 'https://www.rfc-editor.org/rfc/rfc7489#section-6.3'];

/** The record with some tags set (or removed when the value is undefined), keeping the others in order. */
export function withTags(record: DmarcRecord | undefined, changes: Record<string, string | undefined>): string {
  const tags: Array<[string, string]> = record ? Object.entries(record.tags).filter(([k]) => k !== 'v') : [];
  for (const [k, v] of Object.entries(changes)) {
    const i = tags.findIndex(([n]) => n === k);
    if (v === undefined) {
      if (i >= 0) tags.splice(i, 1);
    } else if (i >= 0) tags[i] = [k, v];
    else if (k === 'p') tags.unshift([k, v]);
    else tags.push([k, v]);
  }
  return ['v=DMARC1', ...tags.map(([k, v]) => `${k}=${v}`)].join('; ');
}

/** The DMARC record in force for the mail domain: its own, or the organisational domain's. */
function effective(mail: MailEvidence) {
  const own = mail.dmarc.own;
  if (own.records.length > 0 || own.nearMisses.length > 0 || !mail.dmarc.organisational || mail.dmarc.organisational.records.length === 0) return { lookup: own, inherited: false };
  return { lookup: mail.dmarc.organisational, inherited: true };
}

export const dmarcPolicy = defineCheck({
  meta: {
    id: 'email/dmarc-policy',
    area: 'email',
    severity: 'high',
    title: 'DMARC is published, valid and enforcing (p=quarantine or p=reject)',
    why: 'DMARC tells receivers what to do with mail that claims to be from your domain but fails SPF and DKIM. Without an enforcing policy, spoofed mail is delivered.',
    breaks: 'Attackers can send phishing mail from your exact domain to your customers; Gmail and Yahoo also require DMARC from bulk senders.',
    fix: 'Publish TXT at _dmarc.<domain>: "v=DMARC1; p=quarantine; rua=mailto:dmarc@<domain>", watch the reports, then move to p=reject.',
    references: REFS,
  },
  requires: { mail: mailGatherer },
  run({ mail }) {
    const d = mail.domain;
    const own = mail.dmarc.own;
    const name = `_dmarc.${d}`;
    const location = { domain: d, record: recordLabel('TXT', name) };
    const broken = dnsFailure(own.rcode, name, 'TXT', d, own.error);
    if (broken) return [broken];
    const starter = `v=DMARC1; p=quarantine; rua=mailto:dmarc@${d}`;
    const { lookup, inherited } = effective(mail);
    if (lookup.records.length === 0) {
      if (own.nearMisses.length > 0) {
        return [{ status: 'fail', title: `The DMARC record at ${name} is not recognised: it must start with exactly "v=DMARC1"`, location, evidence: { notes: own.nearMisses.map((r) => `TXT ${name}: "${r}"`) }, fix: `Replace it with TXT at ${name}: "${starter}".` }];
      }
      return [{ status: 'fail', title: `No DMARC record at ${name}`, location, evidence: { notes: [`${name} TXT → ${own.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : 'no v=DMARC1 record'}`, ...(mail.dmarc.organisational ? [`_dmarc.${mail.dmarc.organisational.domain} (organisational domain) → no record either`] : [])] }, fix: `Publish TXT at ${name}: "${starter}".` }];
    }
    if (lookup.records.length > 1) {
      return [{ status: 'fail', title: `${lookup.name} has ${lookup.records.length} DMARC records: receivers ignore them all`, location, evidence: { notes: lookup.records.map((r) => `TXT ${lookup.name}: "${r}"`) }, fix: `Keep exactly one TXT record at ${lookup.name}, e.g. "${starter}".` }];
    }
    const rec = lookup.parsed!;
    const notes = [`TXT ${lookup.name}: "${lookup.records[0]}"${inherited ? ` (no record at ${name}: the organisational domain's applies, with sp=)` : ''}`];
    if (!rec.ok) {
      const fixed = withTags(rec, { p: rec.policy ?? 'quarantine' });
      return [{ status: 'fail', title: `The DMARC record at ${lookup.name} is invalid: ${rec.errors[0]}`, location, evidence: { notes: [...notes, ...rec.errors] }, fix: `Correct ${rec.errors.length > 1 ? 'these errors' : 'it'} and publish TXT at ${lookup.name}: "${rec.policy ? starter : fixed}".` }];
    }
    const policy = inherited ? (rec.subdomainPolicy ?? rec.policy!) : rec.policy!;
    const out: FindingDraft[] = [];
    notes.push(`alignment: adkim=${rec.adkim} (${rec.adkim === 's' ? 'strict' : 'relaxed'}), aspf=${rec.aspf} (${rec.aspf === 's' ? 'strict' : 'relaxed'})`);
    if (policy === 'none') {
      out.push({
        status: 'warn',
        severity: 'medium',
        title: `DMARC of ${d} is monitoring only (${inherited ? 'sp' : 'p'}=none): spoofed mail is still delivered`,
        location,
        evidence: { notes },
        fix: inherited
          ? `Publish TXT at ${name}: "${withTags(undefined, { p: 'quarantine', rua: rec.tags.rua ?? `mailto:dmarc@${d}` })}" (or set sp=quarantine at ${lookup.name}).`
          : `Once the rua reports show your own mail passing, publish TXT at ${name}: "${withTags(rec, { p: 'quarantine' })}", then p=reject.`,
        discriminator: 'policy',
      });
    } else {
      out.push({ status: 'pass', title: `DMARC of ${d} enforces ${policy}${inherited ? ` (inherited from ${lookup.name})` : ''}`, location, evidence: { notes }, discriminator: 'policy' });
    }
    if (rec.pct < 100 && policy !== 'none') {
      out.push({ status: 'warn', severity: 'low', title: `DMARC of ${d} applies its policy to only ${rec.pct}% of failing mail (pct=${rec.pct})`, location, evidence: { notes }, fix: `Publish TXT at ${lookup.name}: "${withTags(rec, { pct: undefined })}" (pct defaults to 100).`, discriminator: 'pct' });
    }
    if (!inherited && rec.subdomainPolicy === 'none' && policy !== 'none') {
      out.push({ status: 'warn', severity: 'low', title: `DMARC of ${d} leaves subdomains unprotected (sp=none)`, location, evidence: { notes }, fix: `Publish TXT at ${name}: "${withTags(rec, { sp: undefined })}" (subdomains then follow p=${policy}).`, discriminator: 'sp' });
    }
    if (rec.testing) {
      out.push({ status: 'warn', severity: 'low', title: `DMARC of ${d} is in testing mode (t=y)`, location, evidence: { notes }, fix: `Publish TXT at ${lookup.name}: "${withTags(rec, { t: undefined })}".`, discriminator: 'testing' });
    }
    return out;
  },
});

export const dmarcReporting = defineCheck({
  meta: {
    id: 'email/dmarc-reporting',
    area: 'email',
    severity: 'low',
    title: 'DMARC aggregate reports (rua) are requested and can be delivered',
    why: 'rua reports show who sends mail as your domain and whether your own mail passes — the only safe way to move to p=reject.',
    breaks: 'You cannot see spoofing attempts or your own misconfigured senders; reports to another domain are dropped unless it authorises them.',
    fix: 'Add rua=mailto:<address> to the DMARC record; for an address on another domain, that domain publishes TXT "v=DMARC1" at <your domain>._report._dmarc.<its domain>.',
    references: ['RFC 7489 §6.3', 'RFC 7489 §7.1'],
  },
  requires: { mail: mailGatherer },
  run({ mail }) {
    const d = mail.domain;
    const { lookup } = effective(mail);
    const location = { domain: d, record: recordLabel('TXT', lookup.name) };
    const rec = lookup.parsed;
    if (lookup.records.length !== 1 || !rec) return [{ status: 'skip', location, reason: 'no single DMARC record (see email/dmarc-policy)' }];
    const notes = [`TXT ${lookup.name}: "${lookup.records[0]}"`];
    if (rec.rua.length === 0) {
      return [{ status: 'fail', title: `DMARC of ${d} requests no aggregate reports (no rua=)`, location, evidence: { notes }, fix: `Publish TXT at ${lookup.name}: "${withTags(rec, { rua: `mailto:dmarc@${d}` })}".`, discriminator: 'rua' }];
    }
    const out: FindingDraft[] = [];
    for (const ext of mail.dmarc.external) {
      if (ext.authorised) continue;
      out.push({
        status: 'fail',
        severity: 'medium',
        title: `DMARC reports for ${d} to ${ext.reportDomain} are dropped: ${ext.reportDomain} has not authorised them`,
        location: { domain: d, record: recordLabel('TXT', ext.name) },
        evidence: { notes: [...notes, `${ext.name} TXT → ${ext.rcode === 'NOERROR' ? (ext.records.length ? ext.records.map((r) => `"${r}"`).join(', ') : 'no records') : ext.rcode}`] },
        fix: `Ask the operator of ${ext.reportDomain} to publish TXT at ${ext.name}: "v=DMARC1" (RFC 7489 §7.1), or send reports to an address at ${d}.`,
        discriminator: ext.reportDomain,
      });
    }
    if (out.length === 0) out.push({ status: 'pass', title: `DMARC reports for ${d} go to ${rec.rua.map((u) => u.address ?? u.raw).join(', ')}`, location, evidence: { notes }, discriminator: 'rua' });
    return out;
  },
});
