import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { describeAnswer } from '../../net/dns/types.js';
import { dnsGatherer, type HostnameEvidence } from './dns-evidence.js';

function suggestion(h: HostnameEvidence, all: HostnameEvidence[], apexes: string[]): string {
  const apex = h.name.startsWith('www.') ? all.find((x) => x.name === h.name.slice(4) && apexes.includes(x.name)) : undefined;
  const www = apexes.includes(h.name) ? all.find((x) => x.name === `www.${h.name}`) : undefined;
  if (apex && apex.addresses.length) return `Publish CNAME at ${h.name}: ${apex.name}. (or A records ${apex.addresses.filter((a) => !a.includes(':')).join(', ')}), and redirect it to the canonical host.`;
  if (www && www.addresses.length) {
    const v4 = www.addresses.filter((a) => !a.includes(':'));
    return `Publish A at ${h.name}: ${v4.join(', ') || '<server IPv4>'} (the address ${www.name} resolves to), or an ALIAS/ANAME to ${www.cnameChain.at(-1) ?? www.name} if your DNS provider offers one — a CNAME is not allowed at the zone apex.`;
  }
  return `Publish A (and AAAA) records at ${h.name} pointing at the server or load balancer that serves it, or a CNAME to your hosting provider's hostname.`;
}

export const dnsResolution = defineCheck({
  meta: {
    id: 'domain-tls/dns-resolution',
    area: 'domain-tls',
    severity: 'high',
    title: 'The apex, www and every configured hostname resolve',
    why: 'A customer who types your domain, its www form or a link to one of your hostnames must reach the product; a name that does not resolve is an outage for them.',
    breaks: 'Visitors get "server not found"; links in emails and bookmarks to that name are dead.',
    fix: 'Publish A/AAAA (or CNAME) records for every hostname customers use, and fix the zone when lookups fail.',
    references: ['RFC 1034', 'RFC 1912'],
    publicOnly: true,
  },
  requires: { dns: dnsGatherer },
  run({ dns }) {
    const out: FindingDraft[] = [];
    for (const h of dns.hostnames) {
      const location = { domain: h.name, record: `A/AAAA ${h.name}` };
      const severity = h.role === 'www' ? 'medium' : 'high';
      const notes = [describeAnswer(h.a), describeAnswer(h.aaaa)];
      if (h.addresses.length > 0) {
        out.push({ status: 'pass', title: `${h.name} resolves to ${h.addresses.join(', ')}${h.overridden ? ' (from --resolve, not DNS)' : ''}`, location, evidence: { notes } });
        continue;
      }
      // A CNAME whose target is gone is judged (and explained) by domain-tls/dns-dangling-cname.
      if (h.cnameChain.length > 0 && (h.a.rcode === 'NXDOMAIN' || h.a.rcode === 'NOERROR')) continue;
      const broken = [h.a, h.aaaa].find((x) => x.rcode !== 'NOERROR' && x.rcode !== 'NXDOMAIN');
      if (broken && (broken.rcode === 'TIMEOUT' || broken.rcode === 'ERROR')) {
        out.push({ status: 'error', location, reason: `no answer for ${h.name} (${broken.error?.message ?? broken.rcode})`, evidence: { notes } });
        continue;
      }
      if (broken) {
        out.push({ status: 'fail', severity: 'high', title: `DNS answers ${broken.rcode} for ${h.name}`, location, evidence: { notes }, fix: `Fix the zone for ${h.name}: its name servers answer ${broken.rcode} (a broken delegation, a lame name server or invalid DNSSEC signatures). Check that the registrar's NS records match the DNS provider's and that DS records match the zone's keys.` });
        continue;
      }
      const nx = h.a.rcode === 'NXDOMAIN';
      out.push({
        status: 'fail',
        severity,
        title: nx ? `${h.name} does not exist in DNS (NXDOMAIN)` : `${h.name} has no A or AAAA record`,
        location,
        evidence: { notes },
        fix: suggestion(h, dns.hostnames, dns.zones.map((z) => z.apex)),
      });
    }
    return out;
  },
});
