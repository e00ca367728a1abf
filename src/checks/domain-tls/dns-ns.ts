import { defineCheck, type FindingDraft } from '../../engine/check.js';
import { describeAnswer } from '../../net/dns/types.js';
import { dnsGatherer } from './dns-evidence.js';

export const dnsNameServers = defineCheck({
  meta: {
    id: 'domain-tls/dns-ns',
    area: 'domain-tls',
    severity: 'medium',
    title: 'The zone has at least two name servers, and every one of them resolves',
    why: 'Name servers answer for every other record; one alone is a single point of failure, and one that does not resolve makes resolvers time out at random.',
    breaks: 'When the only (or a broken) name server is unreachable, the whole product and its mail disappear from the internet.',
    fix: 'Delegate the zone to at least two working name servers (your DNS provider lists them) at the registrar and in the zone.',
    references: ['RFC 1034 §4.1', 'RFC 2182'],
    publicOnly: true,
  },
  requires: { dns: dnsGatherer },
  run({ dns }) {
    const out: FindingDraft[] = [];
    for (const z of dns.zones) {
      const location = { domain: z.apex, record: `NS ${z.apex}` };
      const notes = [describeAnswer(z.ns), ...z.nsHosts.map((h) => `${h.name} → ${h.addresses.length ? h.addresses.join(', ') : h.rcode}`)];
      if (z.ns.rcode === 'TIMEOUT' || z.ns.rcode === 'ERROR') {
        out.push({ status: 'error', location, reason: `no answer to the NS query for ${z.apex} (${z.ns.error?.message ?? z.ns.rcode})` });
        continue;
      }
      if (z.ns.rcode !== 'NOERROR') {
        out.push({ status: 'fail', severity: 'high', title: `DNS answers ${z.ns.rcode} for NS ${z.apex}`, location, evidence: { notes }, fix: `Check the delegation of ${z.apex} at the registrar: its NS records must name servers that answer for the zone.` });
        continue;
      }
      const before = out.length;
      if (z.nsHosts.length < 2) {
        out.push({
          status: 'fail',
          title: z.nsHosts.length === 0 ? `${z.apex} has no NS records` : `${z.apex} has a single name server (${z.nsHosts[0]!.name})`,
          location,
          evidence: { notes },
          fix: `Add a second name server: publish another NS record at ${z.apex} (your DNS provider gives two or more, e.g. ns2.<provider>) and list the same set at the registrar.`,
          discriminator: 'count',
        });
      }
      for (const h of z.nsHosts) {
        if (h.addresses.length > 0) continue;
        out.push({ status: 'fail', severity: 'high', title: `Name server ${h.name} of ${z.apex} does not resolve (${h.rcode === 'NOERROR' ? 'no address' : h.rcode})`, location: { domain: z.apex, record: `NS ${z.apex} → ${h.name}` }, evidence: { notes }, fix: `Remove "NS ${h.name}." from ${z.apex} and at the registrar, or publish its A/AAAA record (glue at the registrar if it is inside ${z.apex}).`, discriminator: h.name });
      }
      const v4 = z.nsHosts.flatMap((h) => h.addresses.filter((a) => !a.includes(':')));
      const nets = new Set(v4.map((a) => a.split('.').slice(0, 3).join('.')));
      if (out.length === before && z.nsHosts.length >= 2 && v4.length >= 2 && nets.size === 1) {
        out.push({ status: 'warn', severity: 'low', title: `All name servers of ${z.apex} are in one network (${[...nets][0]}.0/24)`, location, evidence: { notes }, fix: `Use name servers in different networks (RFC 2182 §3.1) so one network outage does not take ${z.apex} offline.`, discriminator: 'diversity' });
      }
      if (out.length === before) out.push({ status: 'pass', title: `${z.apex} has ${z.nsHosts.length} name servers, all resolving`, location, evidence: { notes } });
    }
    return out;
  },
});
