import { normalizeName, type DnsAnswer, type Resolver } from './types.js';

export interface ZoneApex {
  /** The name that owns the SOA record above (or at) the name asked about; undefined when none was found. */
  apex: string | undefined;
  /** The SOA answers consulted, for evidence. */
  answers: DnsAnswer[];
}

/**
 * The zone a name lives in: the closest enclosing name with an SOA record of its own. Uses the SOA of
 * the authority section when the server gives one (one query), else walks up label by label. Never
 * returns a single-label name (a TLD) as a zone apex.
 */
export async function findZoneApex(resolver: Resolver, name: string): Promise<ZoneApex> {
  const labels = normalizeName(name).split('.');
  const answers: DnsAnswer[] = [];
  for (let i = 0; i <= labels.length - 2; i++) {
    const candidate = labels.slice(i).join('.');
    const answer = await resolver.query(candidate, 'SOA');
    answers.push(answer);
    if (answer.rcode === 'NOERROR' && answer.cnameChain.length === 0 && answer.records.some((r) => r.type === 'SOA' && r.name === candidate)) {
      return { apex: candidate, answers };
    }
    if (answer.cnameChain.length === 0) {
      const owner = answer.authority.find((r) => r.type === 'SOA')?.name;
      if (owner && owner.includes('.') && (candidate === owner || candidate.endsWith('.' + owner))) return { apex: owner, answers };
    }
  }
  return { apex: undefined, answers };
}
