import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { messageAuthGatherer } from '../../mail/message-auth-gatherer.js';

/**
 * Deliverability of one real message, as the receiver judged it (`launchready mail-check`): SPF for the
 * connecting IP, each DKIM signature, DMARC alignment, ARC. Pure judgement of what the gatherer measured.
 * Not part of `audit` (there is no message there); `mail-check` selects these checks.
 */

const REFS = ['RFC 7208', 'RFC 6376', 'RFC 7489', 'RFC 8617'];

function where(ev: { source: string; fromDomain?: string }) {
  return { file: ev.source, ...(ev.fromDomain ? { domain: ev.fromDomain } : {}) };
}

function hopNotes(ev: { hop: { ip?: string; helo?: string; source: string; hopIndex?: number; skipped: Array<{ ip?: string; by?: string }> } }): string[] {
  const h = ev.hop;
  const notes: string[] = [];
  if (h.source === 'flag') notes.push(`connecting IP ${h.ip} (given with --ip)${h.helo ? `, HELO ${h.helo}` : ''}`);
  else if (h.source === 'received') notes.push(`connecting IP ${h.ip}${h.helo ? ` (HELO ${h.helo})` : ''} from Received header #${(h.hopIndex ?? 0) + 1} (newest first)`);
  if (h.skipped.length) notes.push(`skipped ${h.skipped.length} newer Received header(s) of the receiving side's internal relays (${h.skipped.map((s) => s.ip ?? 'no IP').join(', ')})`);
  return notes;
}

export const messageSpf = defineCheck({
  meta: {
    id: 'email/message-spf',
    area: 'email',
    severity: 'high',
    title: 'The message passed SPF for the server that delivered it',
    why: 'Receivers check that the server which handed them the message is listed in the SPF record of the envelope sender (Return-Path) domain.',
    breaks: 'Password-reset and invite mail from an unlisted server fails SPF; without an aligned DKIM pass it fails DMARC and is rejected or spam-foldered.',
    fix: 'List the sending service in the SPF record of the Return-Path domain (its include: or ip4: range).',
    references: REFS,
  },
  requires: { message: messageAuthGatherer },
  run({ message: ev }) {
    const location = where(ev);
    const spf = ev.spf;
    const notes = [...hopNotes(ev), `MAIL FROM / Return-Path: ${ev.sender ?? '(none)'}`, `spf=${spf.result}${spf.comment ? ` (${spf.comment})` : ''}`, ...ev.dnsFailures.map((f) => `DNS: ${f}`)];
    if (!ev.hop.ip) return [{ status: 'skip', location, reason: 'no connecting IP: the message has no Received header with a public client address — pass --ip ADDRESS (and --helo NAME)', evidence: { notes } }];
    const domain = spf.domain ?? '(unknown)';
    if (spf.result === 'pass') {
      if (!spf.aligned) {
        return [{ status: 'warn', severity: 'medium', title: `SPF passed for ${domain}, which is not the From domain ${ev.fromDomain ?? ''}: it does not count for DMARC`, location, evidence: { notes }, fix: `Set a custom Return-Path (bounce / MAIL FROM) domain under ${ev.fromDomain ?? 'your domain'} in your mail provider (e.g. bounces.${ev.fromDomain ?? 'example.com'}) so SPF aligns, or make sure DKIM is signed with d=${ev.fromDomain ?? 'your domain'}.` }];
      }
      return [{ status: 'pass', title: `SPF pass: ${ev.hop.ip} may send for ${domain}`, location, evidence: { notes } }];
    }
    if (spf.result === 'temperror') return [{ status: 'error', location, reason: `SPF could not be evaluated (temperror): DNS lookups failed`, evidence: { notes } }];
    const fail = spf.result === 'fail' || spf.result === 'permerror';
    return [
      {
        status: fail ? 'fail' : 'warn',
        severity: fail ? 'high' : 'medium',
        title: `SPF ${spf.result} for ${domain}: ${ev.hop.ip} is not an authorised sender`,
        location,
        evidence: { notes },
        fix:
          spf.result === 'none'
            ? `Publish an SPF record at ${domain}: TXT "v=spf1 ip4:${ev.hop.ip} ~all" (or the include: your mail provider documents), then tighten to -all.`
            : spf.result === 'permerror'
              ? `The SPF record of ${domain} is broken (permerror): run launchready domain ${domain} to see the term at fault, and fix it.`
              : `Add the server that sent this message to the SPF record of ${domain}: "ip4:${ev.hop.ip}" or, better, the include: of the mail service that owns it. If this message went through a forwarder or mailing list, SPF fails by design: rely on DKIM (aligned with ${ev.fromDomain ?? 'your domain'}).`,
      },
    ];
  },
});

export const messageDkim = defineCheck({
  meta: {
    id: 'email/message-dkim',
    area: 'email',
    severity: 'high',
    title: 'The message carries a valid DKIM signature of the From domain',
    why: 'A DKIM signature by your own domain survives forwarding and is what DMARC relies on most.',
    breaks: 'Unsigned or broken-signature mail fails DMARC wherever SPF does not align (forwarding, mailing lists) and loses reputation.',
    fix: 'Enable DKIM signing with your own domain (d=your domain) in the mail provider and publish its key.',
    references: REFS,
  },
  requires: { message: messageAuthGatherer },
  run({ message: ev }) {
    const location = where(ev);
    const from = ev.fromDomain ?? 'your domain';
    if (ev.dkim.length === 0) {
      return [{ status: 'fail', title: `The message is not DKIM-signed`, location, evidence: { notes: [`From: ${ev.from ?? '(none)'}`, 'no DKIM-Signature header'] }, fix: `Turn on DKIM signing for ${from} in your mail provider (it gives you a TXT or CNAME record at <selector>._domainkey.${from}); mail without an aligned signature fails DMARC whenever SPF does not align.` }];
    }
    const out: FindingDraft[] = [];
    for (const s of ev.dkim) {
      const notes = [`DKIM-Signature d=${s.domain} s=${s.selector}${s.algorithm ? ` a=${s.algorithm}` : ''}${s.bits ? ` (${s.bits}-bit)` : ''}`, `dkim=${s.result}${s.comment ? ` (${s.comment})` : ''}`, ...ev.dnsFailures.map((f) => `DNS: ${f}`)];
      const disc = `${s.domain}/${s.selector}`;
      if (s.result === 'pass') {
        if (!s.aligned) out.push({ status: 'warn', severity: 'medium', title: `DKIM pass, but signed by ${s.domain}, not ${from}: it does not count for DMARC`, location, evidence: { notes }, fix: `Set up DKIM for ${from} itself in your mail provider ("custom domain authentication"), so the signature carries d=${from}.`, discriminator: disc });
        else out.push({ status: 'pass', title: `DKIM pass: signed by ${s.domain} (selector ${s.selector})`, location, evidence: { notes }, discriminator: disc });
        continue;
      }
      if (s.result === 'temperror') {
        out.push({ status: 'error', location, reason: `the DKIM key at ${s.selector}._domainkey.${s.domain} could not be fetched (temperror)`, evidence: { notes }, discriminator: disc });
        continue;
      }
      const bodyHash = /body hash/i.test(s.comment ?? '');
      const noKey = /no key|key not found|ENOTFOUND|ENODATA|not found/i.test(s.comment ?? '');
      out.push({
        status: 'fail',
        title: `DKIM ${s.result} for d=${s.domain} s=${s.selector}${bodyHash ? ': the body changed after signing' : noKey ? ': no key published' : ''}`,
        location,
        evidence: { notes },
        fix: noKey
          ? `Publish the key your provider shows for selector "${s.selector}": TXT at ${s.selector}._domainkey.${s.domain} "v=DKIM1; k=rsa; p=<public key>".`
          : bodyHash
            ? `Something altered the message after it was signed (a footer, link tracking or a relay rewriting the body). Sign after every modification, or turn the rewriting off; forwarded copies need ARC from the forwarder.`
            : `Make sure the key at ${s.selector}._domainkey.${s.domain} is the public half of the key your sender signs with (re-copy it from the provider), and that nothing rewrites signed headers after signing.`,
        discriminator: disc,
      });
    }
    return out;
  },
});

export const messageDmarc = defineCheck({
  meta: {
    id: 'email/message-dmarc',
    area: 'email',
    severity: 'critical',
    title: 'The message passes DMARC (SPF or DKIM aligned with the From domain)',
    why: 'DMARC is the verdict receivers act on: with p=reject or p=quarantine, failing mail is bounced or hidden in spam.',
    breaks: 'Password-reset, invite and receipt mail never reaches customers.',
    fix: 'Make DKIM sign with the From domain, or make the Return-Path domain align with it and pass SPF.',
    references: REFS,
  },
  requires: { message: messageAuthGatherer },
  run({ message: ev }) {
    const location = where(ev);
    const d = ev.dmarc;
    const notes = [`From: ${ev.from ?? '(none)'}`, `dmarc=${d.result}${d.policy ? ` (p=${d.policy})` : ''}${d.comment ? ` — ${d.comment}` : ''}`, `SPF ${ev.spf.result} for ${ev.spf.domain ?? '?'}${ev.spf.aligned ? ' (aligned)' : ' (not aligned)'}`, ...ev.dkim.map((s) => `DKIM ${s.result} d=${s.domain}${s.aligned ? ' (aligned)' : ' (not aligned)'}`)];
    if (ev.arc) notes.push(`ARC ${ev.arc.result} (sealed by ${ev.arc.sealers.join(', ') || '?'}): receivers that trust the sealer may accept the message despite a DMARC failure caused by forwarding`);
    const from = ev.fromDomain ?? 'your domain';
    if (d.result === 'pass') return [{ status: 'pass', title: `DMARC pass for ${from}${d.alignedBy.length ? ` (aligned: ${d.alignedBy.join(', ')})` : ''}`, location, evidence: { notes } }];
    if (d.result === 'none') return [{ status: 'warn', severity: 'medium', title: `No DMARC policy for ${from}: receivers decide on their own`, location, evidence: { notes }, fix: `Publish TXT at _dmarc.${from}: "v=DMARC1; p=quarantine; rua=mailto:dmarc@${from}" once SPF or DKIM passes aligned (see the other findings).` }];
    if (d.result === 'temperror') return [{ status: 'error', location, reason: 'DMARC could not be evaluated (temperror): DNS lookups failed', evidence: { notes } }];
    const severe = d.policy === 'reject' || d.policy === 'quarantine';
    return [
      {
        status: 'fail',
        severity: severe ? 'critical' : 'high',
        title: `DMARC ${d.result} for ${from}${severe ? `: with p=${d.policy} receivers ${d.policy === 'reject' ? 'bounce' : 'spam-folder'} this mail` : ''}`,
        location,
        evidence: { notes },
        fix: `Make at least one of them pass aligned with ${from}: sign with DKIM d=${from} (best: survives forwarding), or send with a Return-Path under ${from} from a server its SPF lists.${ev.arc?.result === 'pass' ? ' This copy was forwarded (ARC present): the failure may be the forwarder’s doing, but an aligned DKIM signature would have survived it unless the body was changed.' : ''}`,
      },
    ];
  },
});

export const messageArc = defineCheck({
  meta: {
    id: 'email/message-arc',
    area: 'email',
    severity: 'low',
    title: 'A forwarder’s ARC chain, when present, validates',
    why: 'Forwarders and mailing lists break SPF (and often DKIM); an ARC seal records the results they saw so the final receiver can still trust the message.',
    breaks: 'A broken ARC chain gives the final receiver nothing to override the forwarding-induced DMARC failure with.',
    fix: 'Ask the forwarder (list, alias service) to seal with ARC, or send directly to the final address.',
    references: ['RFC 8617'],
  },
  requires: { message: messageAuthGatherer },
  run({ message: ev }) {
    const location = where(ev);
    if (!ev.arc) return [{ status: 'skip', location, reason: 'the message carries no ARC headers (it was not sealed by a forwarder)' }];
    const notes = [`arc=${ev.arc.result}${ev.arc.instance ? ` (i=${ev.arc.instance})` : ''}${ev.arc.comment ? ` — ${ev.arc.comment}` : ''}`, `sealed by: ${ev.arc.sealers.join(', ')}`];
    if (ev.arc.result === 'pass') return [{ status: 'pass', title: `ARC chain valid (${ev.arc.instance ?? ev.arc.sealers.length} seal(s) by ${ev.arc.sealers.join(', ')})`, location, evidence: { notes } }];
    return [{ status: 'warn', title: `ARC ${ev.arc.result}: the forwarder’s seal does not validate`, location, evidence: { notes }, fix: `The seal by ${ev.arc.sealers.join(', ')} is broken (its key, or the message changed after sealing): tell the forwarder's operator, or send to the final mailbox directly.` }];
  },
});

export const deliverabilityChecks = [messageSpf, messageDkim, messageDmarc, messageArc];
