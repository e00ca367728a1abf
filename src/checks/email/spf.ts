import { defineCheck, type FindingDraft } from '../../engine/check.js';
import type { SpfNode } from '../../mail/spf/analyze.js';
import { parseSpf, type SpfQualifier } from '../../mail/spf/parse.js';
import { mailGatherer, type MailEvidence } from './evidence.js';
import { dnsFailure, providerIncludes, recordLabel } from './shared.js';

const REFS = ['RFC 7208', 'https://www.rfc-editor.org/rfc/rfc7208#section-4.6.4'];

function spfLocation(mail: MailEvidence) {
  return { domain: mail.domain, record: recordLabel('TXT', mail.domain) };
}

/** The record with its terminal "all" replaced (or added) — the exact text to publish. */
export function withAll(record: string, qualifier: '-' | '~'): string {
  const out: string[] = [];
  let replaced = false;
  for (const t of record.slice(6).split(' ').filter(Boolean)) {
    if (/^[+\-~?]?all$/i.test(t)) {
      if (!replaced) out.push(`${qualifier}all`);
      replaced = true;
    } else out.push(t);
  }
  if (!replaced && !parseSpf(record).redirect) out.push(`${qualifier}all`);
  return ['v=spf1', ...out].join(' ');
}

/** One record from several: every distinct mechanism and modifier, ending in the strictest all any of them had (at least ~all). */
export function mergeSpf(records: string[]): string {
  const terms: string[] = [];
  let best: SpfQualifier = '~';
  for (const r of records) {
    for (const t of r.slice(6).split(' ').filter(Boolean)) {
      const all = /^([+\-~?]?)all$/i.exec(t);
      if (all) {
        if (all[1] === '-') best = '-';
        continue;
      }
      if (!terms.some((x) => x.toLowerCase() === t.toLowerCase())) terms.push(t);
    }
  }
  return ['v=spf1', ...terms, `${best}all`].join(' ');
}

function suggestedRecord(mail: MailEvidence): string {
  if (!mail.mailExpected && mail.mx.hosts.length === 0) return 'v=spf1 -all';
  const includes = providerIncludes(mail.mx.hosts.map((h) => h.exchange)).map((p) => `include:${p.include}`);
  return ['v=spf1', ...(mail.mx.hosts.length ? ['mx'] : []), ...includes, '~all'].join(' ');
}

export const spfRecord = defineCheck({
  meta: {
    id: 'email/spf-record',
    area: 'email',
    severity: 'high',
    title: 'Exactly one valid SPF record, and every include it relies on works',
    why: 'SPF tells receivers which servers may send as your domain. Without a valid one, password-reset and invite mail is easier to spoof and more likely to land in spam.',
    breaks: 'Receivers get SPF "none" or "permerror": your own mail loses its SPF pass, and spoofed mail in your name is not rejected.',
    fix: 'Publish one TXT record at the domain starting with "v=spf1", listing every service that sends your mail, ending in "-all" or "~all".',
    references: REFS,
  },
  requires: { mail: mailGatherer },
  run({ mail }) {
    const d = mail.domain;
    const location = spfLocation(mail);
    const broken = dnsFailure(mail.spf.rcode, d, 'TXT', d);
    if (broken) return [broken];
    const spf = mail.spf;
    if (spf.records.length === 0) {
      const suggestion = suggestedRecord(mail);
      return [
        {
          status: 'fail',
          title: `No SPF record at ${d}`,
          location,
          evidence: { notes: [`${d} TXT → ${spf.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : 'no record starting with "v=spf1"'}`] },
          fix: `Publish TXT at ${d}: "${suggestion}"${suggestion.includes('-all') ? ' (this domain sends no mail)' : ' — add include: for every other service that sends as this domain (e.g. include:sendgrid.net, include:amazonses.com), then tighten ~all to -all'}.`,
        },
      ];
    }
    if (spf.records.length > 1) {
      return [
        {
          status: 'fail',
          title: `${d} publishes ${spf.records.length} SPF records: receivers return permerror`,
          location,
          evidence: { notes: spf.records.map((r) => `TXT ${d}: "${r}"`) },
          fix: `Delete the ${spf.records.length} "v=spf1" TXT records at ${d} and publish one: "${mergeSpf(spf.records)}" (RFC 7208 §4.5: more than one record is a permanent error).`,
        },
      ];
    }
    const parsed = spf.parsed!;
    if (!parsed.ok) {
      const bad = new Set(parsed.errors.map((e) => e.term));
      const kept = parsed.errors.some((e) => e.index < 0) ? undefined : ['v=spf1', ...spf.record!.slice(6).split(' ').filter((t) => t && !bad.has(t))].join(' ');
      return [
        {
          status: 'fail',
          title: `The SPF record of ${d} has a syntax error: receivers return permerror`,
          location,
          evidence: { notes: [`TXT ${d}: "${spf.record}"`, ...parsed.errors.map((e) => (e.index >= 0 ? `"${e.term}": ${e.message}` : e.message))] },
          fix: kept
            ? `Correct or remove ${[...bad].map((t) => `"${t}"`).join(', ')}: publish TXT at ${d}: "${kept}" (after re-adding the corrected term).`
            : `Rewrite the record in plain ASCII with terms separated by single spaces, e.g. TXT at ${d}: "${suggestedRecord(mail)}".`,
        },
      ];
    }
    if (spf.problems.length > 0) {
      return spf.problems.map(
        (p, i): FindingDraft => ({
          status: 'fail',
          title: `SPF of ${d} relies on a broken record: ${p.split(':')[0]}`,
          location,
          evidence: { notes: [`TXT ${d}: "${spf.record}"`, p] },
          fix: `Remove or correct the term named above in TXT ${d} (or ask the provider to fix its record). Until then every receiver evaluating that term gets an error instead of pass.`,
          discriminator: `problem-${i}-${p.slice(0, 60)}`,
        }),
      );
    }
    const out: FindingDraft[] = [{ status: 'pass', title: `${d} has one valid SPF record`, location, evidence: { notes: [`TXT ${d}: "${spf.record}"`, ...spf.warnings.filter((w) => !/ptr mechanism/.test(w))] } }];
    if (spf.ptrTerms.length > 0) {
      const own = spf.ptrTerms.filter((p) => p.inDomain === d);
      const without = ['v=spf1', ...spf.record!.slice(6).split(' ').filter((t) => t && !own.some((p) => p.term === t))].join(' ');
      out.push({
        status: 'warn',
        severity: 'low',
        title: `SPF of ${d} uses the ptr mechanism (${spf.ptrTerms.map((p) => `"${p.term}"${p.inDomain === d ? '' : ` in ${p.inDomain}`}`).join(', ')})`,
        location,
        evidence: { notes: [`TXT ${d}: "${spf.record}"`, 'RFC 7208 §5.5: ptr is slow and unreliable and SHOULD NOT be used; some receivers ignore it or treat it as a failure'] },
        fix: own.length
          ? `Publish TXT at ${d}: "${without}" — list the sending hosts with ip4:/ip6: or a: instead of ptr.`
          : `Ask the provider whose record uses ptr (${spf.ptrTerms.map((p) => p.inDomain).join(', ')}) for a record without it, or list its sending ranges with ip4:/ip6: yourself.`,
        discriminator: 'ptr',
      });
    }
    return out;
  },
});

function breakdown(nodes: SpfNode[], depth = 0): string[] {
  return nodes.flatMap((n) => [`${'  '.repeat(depth)}${n.term}: ${n.lookups + 1} lookup(s)${n.status !== 'ok' ? ` [${n.status}]` : ''}`, ...breakdown(n.children, depth + 1)]);
}

export const spfLookups = defineCheck({
  meta: {
    id: 'email/spf-lookups',
    area: 'email',
    severity: 'high',
    title: 'SPF stays within 10 DNS lookups and 2 void lookups',
    why: 'Receivers stop evaluating SPF after 10 DNS-querying terms (include, a, mx, ptr, exists, redirect) or 2 lookups that find nothing, and return permerror.',
    breaks: 'Mail from a sender listed late in the record — often the transactional mail service — fails SPF everywhere.',
    fix: 'Remove includes and terms you no longer use, replace a/mx with ip4:/ip6: ranges, and drop terms that point at names that do not exist.',
    references: REFS,
  },
  requires: { mail: mailGatherer },
  run({ mail }) {
    const d = mail.domain;
    const spf = mail.spf;
    const location = spfLocation(mail);
    if (spf.records.length !== 1 || !spf.parsed?.ok) return [{ status: 'skip', location, reason: 'no single valid SPF record to count (see email/spf-record)' }];
    const out: FindingDraft[] = [];
    const notes = [`TXT ${d}: "${spf.record}"`, `${spf.totalLookups} DNS-querying terms in total:`, ...breakdown(spf.includes)];
    if (spf.senderDependent.length) notes.push(`terms that depend on the sender (counted, not followed): ${spf.senderDependent.join(', ')}`);
    if (spf.totalLookups > 10) {
      const heavy = [...spf.includes].sort((a, b) => b.lookups - a.lookups).slice(0, 3).map((n) => `${n.term} (${n.lookups + 1})`);
      out.push({
        status: 'fail',
        title: `SPF of ${d} needs ${spf.totalLookups} DNS lookups; receivers stop at 10 (permerror)`,
        location,
        evidence: { notes },
        fix: `Bring TXT ${d} to 10 lookups or fewer: the heaviest terms are ${heavy.join(', ') || 'a/mx/exists terms'}. Remove services you no longer use, replace "a"/"mx" with the ip4:/ip6: ranges they resolve to, or split senders onto subdomains with their own SPF.`,
        discriminator: 'lookups',
      });
    }
    for (const m of spf.mxOverLimit) {
      out.push({ status: 'fail', title: `"${m.term}" in the SPF of ${d} reaches ${m.count} MX records (limit 10): permerror`, location, evidence: { notes }, fix: `Replace "${m.term}" in TXT ${d} with ip4:/ip6: ranges of the hosts that send mail.`, discriminator: `mx-${m.term}` });
    }
    const voidNotes = spf.voidLookups.map((v) => `"${v.term}" in ${v.inDomain}: ${v.name} → ${v.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : 'no records'}`);
    if (spf.voidLookups.length > 2) {
      out.push({
        status: 'fail',
        title: `SPF of ${d} has ${spf.voidLookups.length} void lookups; receivers allow 2 (permerror)`,
        location,
        evidence: { notes: [...voidNotes, `TXT ${d}: "${spf.record}"`] },
        fix: `Remove ${spf.voidLookups.map((v) => `"${v.term}"`).join(', ')} from the SPF record(s) named above: they point at names with no records.`,
        discriminator: 'voids',
      });
    } else if (spf.voidLookups.length > 0) {
      out.push({
        status: 'warn',
        severity: 'low',
        title: `SPF of ${d} has ${spf.voidLookups.length} term(s) pointing at names with no records`,
        location,
        evidence: { notes: voidNotes },
        fix: `Remove ${spf.voidLookups.map((v) => `"${v.term}"`).join(', ')}: a third such term makes every evaluation a permerror.`,
        discriminator: 'voids',
      });
    }
    if (out.every((f) => f.status !== 'fail')) out.push({ status: 'pass', title: `SPF of ${d} needs ${spf.totalLookups} of 10 DNS lookups`, location, evidence: { notes }, discriminator: 'lookups' });
    return out;
  },
});

export const spfPolicy = defineCheck({
  meta: {
    id: 'email/spf-policy',
    area: 'email',
    severity: 'high',
    title: 'SPF rejects everyone it does not list (-all best, ~all acceptable; never +all, ?all or ranges wider than /8)',
    why: 'The "all" at the end says what happens to mail from servers you did not list: "+all" authorises the whole internet, "?all" says nothing. An ip4 range wider than /8 (or ip6 wider than /16), here or in an include, authorises strangers just the same.',
    breaks: 'Anyone can send mail that passes SPF as your domain (phishing your customers with real-looking password resets).',
    fix: 'End the record with "-all" once every sending service is listed ("~all" while you are still finding them).',
    references: REFS,
  },
  requires: { mail: mailGatherer },
  run({ mail }) {
    const d = mail.domain;
    const spf = mail.spf;
    const location = spfLocation(mail);
    if (spf.records.length !== 1 || !spf.parsed?.ok) return [{ status: 'skip', location, reason: 'no single valid SPF record to judge (see email/spf-record)' }];
    const record = spf.record!;
    const notes = [`TXT ${d}: "${record}"`, `policy ends with: ${spf.terminal}`];
    const viaRedirect = spf.terminal.includes('→');
    const where = viaRedirect ? `the record reached by ${spf.parsed.redirect?.text}` : `TXT at ${d}`;
    const open = spf.openTerms;
    if (open.length > 0) {
      const own = open.filter((o) => o.inDomain === d);
      const first = open[0]!;
      const openNotes = open.map((o) => `"${o.term}" in ${o.chain.length > 1 ? `${o.inDomain} (reached by ${o.chain.join(' → ')} → ${o.inDomain})` : `the record of ${d}`}: ${o.why}`);
      const plusAllOnly = own.length === open.length && own.every((o) => /^\+?all$/i.test(o.term)) && !viaRedirect;
      const fix = plusAllOnly
        ? `Publish TXT at ${d}: "${withAll(record, '-')}" (or "~all" while you confirm every sender is listed).`
        : own.length
          ? `In ${where}, replace ${own.map((o) => `"${o.term}"`).join(', ')} with the exact ranges or includes of the services that send your mail, and keep "-all" at the end.`
          : `Remove "${first.chain[1] ? `include:${first.chain[1]}` : first.term}" from ${where} (it authorises nearly every address through ${first.inDomain}), or ask that provider for a narrower include.`;
      return [
        {
          status: 'fail',
          severity: 'high',
          title: spf.allQualifier === '+' && own.some((o) => /^\+?all$/i.test(o.term))
            ? `SPF of ${d} ends in +all: any server may send as ${d}`
            : `SPF of ${d} authorises nearly any server: ${first.chain.length > 1 ? `include:${first.chain[1]} → ` : ''}"${first.term}"`,
          location,
          evidence: { notes: [...notes, ...openNotes] },
          fix,
          discriminator: 'open',
        },
      ];
    }
    if (spf.allQualifier === '?' || spf.allQualifier === undefined) {
      return [
        {
          status: 'warn',
          severity: 'medium',
          title: spf.allQualifier === '?' ? `SPF of ${d} ends in ?all (neutral): spoofed mail is not rejected` : `SPF of ${d} has no "all": receivers treat unlisted senders as neutral`,
          location,
          evidence: { notes },
          fix: viaRedirect ? `End ${where} with "-all" (or "~all").` : `Publish TXT at ${d}: "${withAll(record, '-')}" (or "${withAll(record, '~')}" while you confirm every sender is listed).`,
          discriminator: 'neutral',
        },
      ];
    }
    if (spf.allQualifier === '~') {
      return [{ status: 'pass', title: `SPF of ${d} ends in ~all (softfail)`, location, evidence: { notes: [...notes, `note: ~all marks unlisted senders as suspicious; "-all" tells receivers to reject them — switch once every sender is listed: "${viaRedirect ? '-all' : withAll(record, '-')}"`] } }];
    }
    return [{ status: 'pass', title: `SPF of ${d} ends in -all`, location, evidence: { notes } }];
  },
});
