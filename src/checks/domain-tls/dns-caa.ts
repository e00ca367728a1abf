import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { dnsGatherer } from './dns-evidence.js';

const KNOWN_TAGS = new Set(['issue', 'issuewild', 'iodef', 'issuemail', 'issuevmc', 'contactemail', 'contactphone']);

function caaText(r: { flags: number; tag: string; value: string }): string {
  return `${r.flags} ${r.tag} "${r.value}"`;
}

export const dnsCaa = defineCheck({
  meta: {
    id: 'domain-tls/dns-caa',
    area: 'domain-tls',
    severity: 'low',
    title: 'CAA records name the certificate authorities allowed to issue for the domain',
    why: 'CAA tells every public CA which of them may issue certificates for your names, so a mis-issued certificate from another CA is refused.',
    breaks: 'Without CAA any CA may issue; a broken CAA set makes every CA refuse — including your own renewal.',
    fix: 'Publish CAA at the zone apex naming your CA, e.g. 0 issue "letsencrypt.org", plus 0 iodef "mailto:security@<domain>".',
    references: ['RFC 8659', 'CA/Browser Forum BR §3.2.2.8'],
    publicOnly: true,
  },
  requires: { dns: dnsGatherer },
  run({ dns }) {
    const out: FindingDraft[] = [];
    const judged = new Set<string>();
    for (const set of dns.caa) {
      const key = set.foundAt ?? (set.failure ? `fail:${set.failure.name}` : `none:${set.name}`);
      if (judged.has(key)) continue;
      judged.add(key);
      const at = set.foundAt ?? set.name;
      const location = { domain: set.name, record: `CAA ${at}` };
      if (set.failure && (set.failure.rcode === 'TIMEOUT' || set.failure.rcode === 'ERROR')) {
        // No answer at all: the resolver may be the problem, not the zone. Not judged, and the run says so.
        out.push({ status: 'error', title: `CAA lookup for ${set.failure.name} got no answer (${set.failure.rcode})`, location: { domain: set.name, record: `CAA ${set.failure.name}` }, reason: `no DNS answer for CAA ${set.failure.name}: check --dns and the network, then the zone's name servers`, discriminator: set.failure.name });
        continue;
      }
      if (set.failure) {
        out.push({ status: 'fail', severity: 'high', title: `CAA lookup for ${set.failure.name} fails (${set.failure.rcode}): CAs will refuse to issue or renew certificates`, location: { domain: set.name, record: `CAA ${set.failure.name}` }, fix: `Fix the name servers for ${set.failure.name} so a CAA query gets an answer (an empty one is fine); CAs treat a failed CAA lookup as "do not issue".`, discriminator: set.failure.name });
        continue;
      }
      if (set.records.length === 0) {
        // Only the zone apex gets a "publish one" finding; hostnames below it inherit the apex's answer.
        if (dns.zones.some((z) => z.apex === set.name)) {
          out.push({ status: 'warn', title: `No CAA record at ${set.name}: any CA may issue certificates for it`, location, fix: `Publish CAA at ${set.name}: 0 issue "letsencrypt.org" (use your CA's domain, e.g. "pki.goog", "digicert.com", "sectigo.com", "amazon.com"), and CAA 0 iodef "mailto:security@${set.name}".`, discriminator: 'missing' });
        }
        continue;
      }
      const notes = set.records.map((r) => `CAA ${at}: ${caaText(r)}`);
      const criticalUnknown = set.records.filter((r) => (r.flags & 128) !== 0 && !KNOWN_TAGS.has(r.tag));
      if (criticalUnknown.length) {
        out.push({ status: 'fail', severity: 'high', title: `CAA at ${at} has a critical tag CAs do not understand (${criticalUnknown.map((r) => r.tag).join(', ')}): every CA must refuse to issue`, location, evidence: { notes }, fix: `Delete ${criticalUnknown.map((r) => `CAA ${at} ${caaText(r)}`).join(' and ')}, or clear its critical flag (128 → 0).`, discriminator: 'critical' });
        continue;
      }
      const issuers = set.records.filter((r) => r.tag === 'issue' || r.tag === 'issuewild');
      if (issuers.length === 0) {
        out.push({ status: 'warn', title: `CAA at ${at} restricts no issuer (no "issue" tag)`, location, evidence: { notes }, fix: `Add CAA at ${at}: 0 issue "<your CA's domain>", e.g. 0 issue "letsencrypt.org".`, discriminator: 'no-issue' });
        continue;
      }
      const allowed = set.records.filter((r) => r.tag === 'issue').map((r) => r.value.split(';')[0]!.trim()).filter(Boolean);
      if (allowed.length === 0 && set.records.some((r) => r.tag === 'issue')) {
        out.push({ status: 'fail', severity: 'medium', title: `CAA at ${at} forbids every CA from issuing (issue ";")`, location, evidence: { notes }, fix: `If ${set.name} serves HTTPS, replace CAA ${at} 0 issue ";" with 0 issue "<your CA's domain>" before the certificate expires: renewals will be refused.`, discriminator: 'deny-all' });
        continue;
      }
      const bad = issuers.filter((r) => !/^\s*([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)?\s*(;.*)?$/.test(r.value));
      if (bad.length) {
        out.push({ status: 'warn', title: `CAA at ${at} has a malformed issuer value`, location, evidence: { notes }, fix: `Rewrite ${bad.map((r) => caaText(r)).join(', ')} as 0 issue "ca.example" (the CA's domain, optionally followed by "; parameters").`, discriminator: 'syntax' });
        continue;
      }
      out.push({ status: 'pass', title: `CAA at ${at} allows ${allowed.length ? allowed.join(', ') : 'wildcard issuance only'}`, location, evidence: { notes } });
    }
    return out;
  },
});
