import type { DnsAnswer, DnsQueryType, DnsRecord } from '../../src/net/dns/types.js';
import type { SpfResolver } from '../../src/mail/spf/evaluate.js';

/**
 * A resolver stand-in serving one section's `zonedata` of the openspf.org RFC 7208 test suite, with the
 * reference driver's semantics (pyspf testspf.py):
 * - records of a name are served in order; a `TIMEOUT` entry makes a query time out unless a record
 *   of the asked type came before it;
 * - SPF-type records are also served as TXT, unless the name has a TXT entry of its own (even `TXT: NONE`,
 *   which means "no TXT records");
 * - a name absent from the zone does not exist (NXDOMAIN), except names under `error.` which time out.
 */
type Entry = 'TIMEOUT' | { type: string; value: unknown };

function asChunks(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  return [String(v)];
}

export function loadZone(zonedata: Record<string, unknown[]>): Map<string, Entry[]> {
  const zone = new Map<string, Entry[]>();
  for (const [rawName, entries] of Object.entries(zonedata ?? {})) {
    const out: Entry[] = [];
    const generated: Entry[] = [];
    let generate = true;
    for (const e of entries ?? []) {
      if (e === 'TIMEOUT') {
        out.push('TIMEOUT');
        continue;
      }
      for (const [type, value] of Object.entries(e as Record<string, unknown>)) {
        if (type === 'TXT') generate = false;
        else if (type === 'SPF' && generate) generated.push({ type: 'TXT', value });
        if (value !== 'NONE') out.push({ type, value });
      }
    }
    if (generate) out.push(...generated);
    const name = rawName.toLowerCase().replace(/\.$/, '');
    zone.set(name, [...(zone.get(name) ?? []), ...out]);
  }
  return zone;
}

function toRecord(name: string, type: string, value: unknown): DnsRecord | undefined {
  switch (type) {
    case 'A':
    case 'AAAA':
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return { type, name, ttl: 0, data: String(value).toLowerCase().replace(/\.$/, '') };
    case 'TXT':
    case 'SPF': {
      const chunks = asChunks(value);
      return { type, name, ttl: 0, data: chunks.join(''), chunks };
    }
    case 'MX': {
      const [preference, exchange] = value as [number, string];
      const ex = String(exchange ?? '').toLowerCase().replace(/\.$/, '');
      return { type: 'MX', name, ttl: 0, data: { preference: Number(preference), exchange: ex === '' ? '.' : ex } };
    }
    default:
      return undefined;
  }
}

export function zoneResolver(zone: Map<string, Entry[]>): SpfResolver & { queries: Array<{ name: string; type: string }> } {
  const queries: Array<{ name: string; type: string }> = [];
  return {
    queries,
    async query(rawName: string, type: DnsQueryType): Promise<DnsAnswer> {
      const name = rawName.toLowerCase().replace(/\.$/, '');
      queries.push({ name, type });
      const base = { name, type, cnameChain: [], authority: [], server: 'zonedata', elapsedMs: 0 };
      const entries = zone.get(name);
      if (!entries) {
        if (name.startsWith('error.')) return { ...base, rcode: 'TIMEOUT', records: [], error: { kind: 'timeout', message: 'DNS timeout (test zone)' } };
        return { ...base, rcode: 'NXDOMAIN', records: [] };
      }
      const records: DnsRecord[] = [];
      let sawType = false;
      for (const e of entries) {
        if (e === 'TIMEOUT') {
          if (!sawType) return { ...base, rcode: 'TIMEOUT', records: [], error: { kind: 'timeout', message: 'DNS timeout (test zone)' } };
          continue;
        }
        if (e.type !== type) continue;
        sawType = true;
        if (e.value === 'TIMEOUT') return { ...base, rcode: 'TIMEOUT', records: [], error: { kind: 'timeout', message: 'DNS timeout (test zone)' } };
        const r = toRecord(name, e.type, e.value);
        if (r) records.push(r);
      }
      return { ...base, rcode: 'NOERROR', records };
    },
  };
}
