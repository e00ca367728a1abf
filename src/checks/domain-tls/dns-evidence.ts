import { isIP } from 'node:net';
import { defineGatherer, NotApplicable } from '../../engine/check.js';
import { resolverFor } from '../../net/dns/context.js';
import { addressesOf, caaOf, namesOf, normalizeName, type CaaData, type DnsAnswer, type DnsRcode, type Resolver } from '../../net/dns/types.js';
import { findZoneApex } from '../../net/dns/zone.js';

/** DNS facts for the domain-tls checks: every name that must resolve, its zone's NS set and CAA. */

export type HostnameRole = 'configured' | 'target' | 'apex' | 'www';

export interface HostnameEvidence {
  name: string;
  role: HostnameRole;
  a: DnsAnswer;
  aaaa: DnsAnswer;
  addresses: string[];
  /** CNAME targets followed from the name (from the A query). */
  cnameChain: string[];
  /** Answered by --resolve, not DNS. */
  overridden: boolean;
}

export interface NsHostEvidence {
  name: string;
  addresses: string[];
  rcode: DnsRcode;
}

export interface ZoneEvidence {
  apex: string;
  ns: DnsAnswer;
  nsHosts: NsHostEvidence[];
}

export interface CaaEvidence {
  /** The name whose certificate issuance the set governs. */
  name: string;
  /** Where the relevant CAA set was found (climbing toward the apex, RFC 8659 §3); undefined when none. */
  foundAt?: string;
  records: CaaData[];
  /** A lookup on the way failed: CAs must then refuse to issue. */
  failure?: { name: string; rcode: DnsRcode };
}

export interface DnsEvidence {
  hostnames: HostnameEvidence[];
  zones: ZoneEvidence[];
  caa: CaaEvidence[];
}

function isPublicName(host: string): boolean {
  const h = host.toLowerCase();
  return !isIP(h) && h !== 'localhost' && !h.endsWith('.localhost') && h.includes('.');
}

async function hostname(resolver: Resolver, name: string, role: HostnameRole): Promise<HostnameEvidence> {
  const [a, aaaa] = await Promise.all([resolver.query(name, 'A'), resolver.query(name, 'AAAA')]);
  return { name, role, a, aaaa, addresses: [...addressesOf(a), ...addressesOf(aaaa)], cnameChain: a.cnameChain.length ? a.cnameChain : aaaa.cnameChain, overridden: a.server === 'override' || aaaa.server === 'override' };
}

async function zone(resolver: Resolver, apex: string): Promise<ZoneEvidence> {
  const ns = await resolver.query(apex, 'NS');
  const nsHosts = await Promise.all(
    namesOf(ns).map(async (name): Promise<NsHostEvidence> => {
      const [a, aaaa] = await Promise.all([resolver.query(name, 'A'), resolver.query(name, 'AAAA')]);
      const addresses = [...addressesOf(a), ...addressesOf(aaaa)];
      return { name, addresses, rcode: addresses.length ? 'NOERROR' : a.rcode };
    }),
  );
  return { apex, ns, nsHosts };
}

/** RFC 8659 §3: the relevant CAA set is the first non-empty one found climbing from the name. */
async function caa(resolver: Resolver, name: string, apex: string): Promise<CaaEvidence> {
  const labels = name.split('.');
  const stop = apex.split('.').length;
  for (let i = 0; labels.length - i >= stop; i++) {
    const at = labels.slice(i).join('.');
    const answer = await resolver.query(at, 'CAA');
    if (answer.rcode !== 'NOERROR' && answer.rcode !== 'NXDOMAIN') return { name, records: [], failure: { name: at, rcode: answer.rcode } };
    const records = caaOf(answer);
    if (records.length) return { name, foundAt: at, records };
  }
  return { name, records: [] };
}

/** Names to check: the configured domains and the target host, plus each one's zone apex and www.<apex>. */
export async function dnsEvidence(resolver: Resolver, names: Array<{ name: string; role: 'configured' | 'target' }>): Promise<DnsEvidence> {
  const wanted = new Map<string, HostnameRole>();
  const apexOf = new Map<string, string>();
  for (const n of names) if (!wanted.has(n.name)) wanted.set(n.name, n.role);
  for (const n of [...wanted.keys()]) {
    const { apex } = await findZoneApex(resolver, n);
    if (!apex) {
      // No SOA found: the apex is unknown, so no apex or www. name is invented (never www.www.<name>).
      apexOf.set(n, n);
      continue;
    }
    apexOf.set(n, apex);
    if (!wanted.has(apex)) wanted.set(apex, 'apex');
    if (!wanted.has(`www.${apex}`)) wanted.set(`www.${apex}`, 'www');
    apexOf.set(apex, apex);
    apexOf.set(`www.${apex}`, apex);
  }
  const hostnames = await Promise.all([...wanted].map(([name, role]) => hostname(resolver, name, role)));
  const apexes = [...new Set(apexOf.values())];
  const zones = await Promise.all(apexes.map((a) => zone(resolver, a)));
  const caaNames = [...new Set([...apexes, ...[...wanted].filter(([, role]) => role === 'configured' || role === 'target').map(([n]) => n)])];
  const caaSets = await Promise.all(caaNames.map((n) => caa(resolver, n, apexOf.get(n) ?? n)));
  return { hostnames, zones, caa: caaSets };
}

export const dnsGatherer = defineGatherer<DnsEvidence>({
  id: 'domain-tls/dns-evidence',
  async gather(ctx) {
    const names: Array<{ name: string; role: 'configured' | 'target' }> = ctx.config.domains.map((d) => ({ name: normalizeName(d), role: 'configured' }));
    const host = ctx.target.baseUrl?.hostname.replace(/^\[|\]$/g, '');
    if (host && isPublicName(host)) names.push({ name: normalizeName(host), role: 'target' });
    const usable = names.filter((n) => isPublicName(n.name));
    if (usable.length === 0) throw new NotApplicable('no public domain to check: set domains in launchready.yml or audit a public URL');
    return dnsEvidence(resolverFor(ctx), usable);
  },
});
