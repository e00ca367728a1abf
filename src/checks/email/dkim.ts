import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { mailGatherer, type DkimSelectorEvidence } from './evidence.js';
import { dnsFailure, recordLabel } from './shared.js';

function withoutTestingFlag(record: string): string {
  return record
    .split(';')
    .map((t) => t.trim())
    .filter((t) => t && !/^t\s*=/.test(t))
    .join('; ');
}

function delegation(s: DkimSelectorEvidence): string {
  return s.cnameChain.length ? ` (CNAME → ${s.cnameChain.join(' → ')})` : '';
}

export const dkimKeys = defineCheck({
  meta: {
    id: 'email/dkim',
    area: 'email',
    severity: 'high',
    title: 'DKIM keys are published, valid and at least 2048-bit (1024 warns)',
    why: 'DKIM signs your mail so receivers can prove it came from you and was not altered; DMARC needs it (or SPF) to pass.',
    breaks: 'Short keys can be factored and used to sign mail as you; broken or missing keys make your own mail fail DKIM and DMARC.',
    fix: 'In your mail provider, enable DKIM with a 2048-bit RSA (or ed25519) key and publish the TXT (or CNAME) record it gives you at <selector>._domainkey.<domain>.',
    references: ['RFC 6376 §3.6.1', 'RFC 8301', 'RFC 8463', 'M3AAWG DKIM Key Rotation'],
  },
  requires: { mail: mailGatherer },
  run({ mail }) {
    const d = mail.domain;
    const out: FindingDraft[] = [];
    const found = mail.dkim.filter((s) => s.records.length > 0);
    for (const s of mail.dkim) {
      const location = { domain: d, record: recordLabel('TXT', s.name) };
      if (s.records.length === 0) {
        if (s.source === 'config') {
          const broken = dnsFailure(s.rcode, s.name, 'TXT', d, s.error);
          if (broken) {
            out.push({ ...broken, discriminator: s.selector });
            continue;
          }
          out.push({
            status: 'fail',
            title: s.cnameChain.length && s.rcode === 'NXDOMAIN' ? `DKIM selector "${s.selector}" is a CNAME to ${s.cnameChain.at(-1)}, which does not exist` : `No DKIM key at the configured selector "${s.selector}" (${s.name})`,
            location,
            evidence: { notes: [`${s.name} TXT${delegation(s)} → ${s.rcode === 'NOERROR' ? 'no DKIM key record' : s.rcode}`] },
            fix: s.cnameChain.length
              ? `Re-create the DKIM record in your mail provider and point CNAME ${s.name} at the target it shows now (the current target ${s.cnameChain.at(-1)} is gone).`
              : `Publish the key your mail provider gives you: TXT at ${s.name}: "v=DKIM1; k=rsa; p=<base64 public key>" (or the CNAME it asks for). Mail signed with s=${s.selector} fails DKIM until then.`,
            discriminator: s.selector,
          });
        } else if (s.cnameChain.length && s.rcode === 'NXDOMAIN') {
          out.push({
            status: 'fail',
            severity: 'medium',
            title: `DKIM selector "${s.selector}" is delegated by CNAME to ${s.cnameChain.at(-1)}, which does not exist`,
            location: { domain: d, record: recordLabel('CNAME', s.name) },
            evidence: { notes: [`${s.name}${delegation(s)} → NXDOMAIN`, s.provider ? `selector commonly used by ${s.provider}` : ''].filter(Boolean) },
            fix: `If you still send through ${s.provider ?? 'this provider'}, re-enable DKIM there and update CNAME ${s.name} to the target it gives; otherwise delete the CNAME at ${s.name}.`,
            discriminator: s.selector,
          });
        }
        continue;
      }
      if (s.records.length > 1) {
        out.push({ status: 'fail', severity: 'medium', title: `${s.records.length} DKIM key records at ${s.name}`, location, evidence: { notes: s.records.map((r) => `TXT ${s.name}: "${r}"`) }, fix: `Keep exactly one TXT record at ${s.name}: receivers cannot tell which key to use.`, discriminator: s.selector });
        continue;
      }
      const key = s.keys[0]!;
      const record = s.records[0]!;
      const notes = [`TXT ${s.name}${delegation(s)}: "${record.length > 120 ? record.slice(0, 117) + '…' : record}"`];
      if (!key.ok) {
        out.push({ status: 'fail', title: `The DKIM key at ${s.name} is broken: ${key.errors[0]}`, location, evidence: { notes: [...notes, ...key.errors] }, fix: `Re-publish the record exactly as your mail provider shows it: TXT at ${s.name}: "v=DKIM1; k=${key.keyType === 'ed25519' ? 'ed25519' : 'rsa'}; p=<base64 public key>" (one TXT record; long keys split into several quoted strings of the same record).`, discriminator: s.selector });
        continue;
      }
      if (key.revoked) {
        // The user named this selector as one their mail is signed with: if no other named selector has a
        // working key, every message fails DKIM.
        const otherWorking = mail.dkim.some((o) => o !== s && o.source === 'config' && o.keys.length === 1 && o.keys[0]!.ok && !o.keys[0]!.revoked);
        if (s.source === 'config' && !otherWorking) {
          out.push({
            status: 'fail',
            severity: 'high',
            title: `DKIM key at the selector you named, "${s.selector}", is revoked (empty p=): mail signed with it fails DKIM`,
            location,
            evidence: { notes: [...notes, `--dkim-selector ${s.selector}: no other named selector has a working key`] },
            fix: `Re-enable DKIM in your mail provider and publish the key it shows at ${s.name} (TXT "v=DKIM1; k=rsa; p=<base64 public key>"), or sign with a selector that has a key and name that one instead.`,
            discriminator: s.selector,
          });
          continue;
        }
        out.push({ status: 'warn', severity: 'low', title: `DKIM selector "${s.selector}" is revoked (empty p=)`, location, evidence: { notes }, fix: `Nothing to do if you retired ${s.selector} on purpose; mail still signed with it fails DKIM. Delete TXT ${s.name} once no mail uses it.`, discriminator: s.selector });
        continue;
      }
      const bits = key.keyBits ?? 0;
      const what = key.keyType === 'ed25519' ? 'ed25519' : `${bits}-bit RSA`;
      if (key.keyType === 'rsa' && bits < 1024) {
        out.push({ status: 'fail', title: `DKIM key "${s.selector}" is ${what}: too short to trust`, location, evidence: { notes }, fix: `Generate a 2048-bit key in your mail provider, publish TXT at a new selector (e.g. ${s.selector}2048._domainkey.${d}: "v=DKIM1; k=rsa; p=<new key>"), switch signing to it, then revoke this one with TXT at ${s.name}: "v=DKIM1; p=".`, discriminator: s.selector });
      } else if (key.keyType === 'rsa' && bits < 2048) {
        out.push({ status: 'warn', severity: 'medium', title: `DKIM key "${s.selector}" is ${what}; 2048-bit is the standard`, location, evidence: { notes }, fix: `Rotate to a 2048-bit key: publish it at a new selector (e.g. TXT ${s.selector}2048._domainkey.${d}: "v=DKIM1; k=rsa; p=<new key>"), switch signing, then revoke ${s.name}.`, discriminator: s.selector });
      } else {
        out.push({ status: 'pass', title: `DKIM key "${s.selector}" is ${what}`, location, evidence: { notes: [...notes, ...(s.provider ? [`selector commonly used by ${s.provider}`] : [])] }, discriminator: s.selector });
      }
      if (key.testing) {
        out.push({ status: 'warn', severity: 'low', title: `DKIM key "${s.selector}" is in testing mode (t=y)`, location, evidence: { notes }, fix: `Publish TXT at ${s.name}: "${withoutTestingFlag(record)}" — with t=y receivers treat failed signatures like unsigned mail.`, discriminator: `${s.selector}-testing` });
      }
    }
    const unanswered = mail.dkim.filter((x) => x.rcode !== 'NOERROR' && x.rcode !== 'NXDOMAIN');
    if (found.length === 0 && mail.configuredSelectors.length === 0 && mail.dkim.length > 0 && unanswered.length === mail.dkim.length) {
      out.push({
        status: 'error',
        location: { domain: d, record: `TXT <selector>._domainkey.${d}` },
        reason: `every DKIM selector lookup under ${d} failed (${[...new Set(unanswered.map((x) => x.rcode))].join(', ')}): DKIM could not be checked`,
        evidence: { notes: unanswered.slice(0, 5).map((x) => `${x.name} TXT → ${x.rcode}${x.error ? `: ${x.error}` : ''}`) },
        discriminator: 'lookups-failed',
      });
    } else if (found.length === 0 && mail.configuredSelectors.length === 0) {
      out.push({
        status: 'warn',
        severity: 'medium',
        title: `DKIM not confirmed for ${d}: none of ${mail.dkim.length} common selectors has a key`,
        location: { domain: d, record: `TXT <selector>._domainkey.${d}` },
        evidence: { notes: [`selectors tried: ${mail.dkim.map((s) => s.selector).join(', ')}`] },
        fix: `Open a message your product sent, read the s= value of its DKIM-Signature header, and pass it with --dkim-selector (or mail.dkimSelectors in launchready.yml). If there is no DKIM-Signature header, enable DKIM in your mail provider and publish its record at <selector>._domainkey.${d}.`,
        discriminator: 'not-confirmed',
      });
    }
    return out;
  },
});
