import { getServers } from 'node:dns';
import { isIP } from 'node:net';
import type { DecodedPacket } from 'dns-packet';
import { assertLoopbackAllowed, LoopbackViolation } from '../loopback-guard.js';
import { formatDnsServer, parseDnsServer } from './server-address.js';
import {
  DnsLookupError,
  normalizeName,
  type DnsAnswer,
  type DnsError,
  type DnsQueryType,
  type DnsRcode,
  type DnsRecord,
  type DnsServerAddress,
  type Resolver,
} from './types.js';
import { exchange } from './wire.js';

export interface ResolverOptions {
  /** `--dns` servers, tried in turn; default: the system's resolvers (node:dns getServers()). */
  servers?: DnsServerAddress[];
  /** Deadline of one attempt (UDP plus the TCP retry), ms. Default 2000. */
  timeoutMs?: number;
  /** Further attempts after the first, rotating through the servers. Default 2. */
  retries?: number;
  /** `--resolve`: host → addresses, answered for A/AAAA and lookup() without asking DNS. */
  overrides?: Map<string, string[]>;
  /** Aborts every query in flight (Ctrl-C, the run's deadline). */
  signal?: AbortSignal;
  /** Queries in flight at once. Default 16. */
  maxConcurrent?: number;
}

export interface ConfiguredResolver extends Resolver {
  /** The servers it asks (after defaults), for evidence. */
  readonly servers: readonly DnsServerAddress[];
}

/** CNAME chains longer than this are treated as broken (resolvers give up around 8–16). */
const MAX_CNAME_HOPS = 8;
const MAX_CACHE_ENTRIES = 10_000;

export function systemDnsServers(): DnsServerAddress[] {
  const out: DnsServerAddress[] = [];
  for (const s of getServers()) {
    try {
      out.push(parseDnsServer(s, 'system resolver'));
    } catch {
      /* an entry we cannot use (e.g. a scoped link-local address) */
    }
  }
  return out;
}

function validName(name: string): boolean {
  if (name === '.' || name === '') return name === '.';
  if (name.length > 253) return false;
  return name.split('.').every((l) => l.length > 0 && l.length <= 63);
}

function toText(v: unknown): string {
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return typeof v === 'string' ? v : '';
}

/** Type 99 (SPF) arrives as raw rdata: the same <length><bytes>… layout as TXT. */
function chunksOfRaw(raw: Buffer): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < raw.length) {
    const len = raw[i]!;
    out.push(raw.subarray(i + 1, i + 1 + len).toString('utf8'));
    i += 1 + len;
  }
  return out;
}

function stripDot(s: string): string {
  return s.length > 1 && s.endsWith('.') ? s.slice(0, -1) : s;
}

/** dns-packet's loosely typed answer → our typed record, or undefined for types we do not model. */
export function toRecord(a: { type: string; name: string; ttl?: number; data?: unknown }): DnsRecord | undefined {
  const name = normalizeName(a.name);
  const ttl = a.ttl ?? 0;
  const d = a.data as never;
  switch (a.type) {
    case 'A':
    case 'AAAA':
      return { type: a.type, name, ttl, data: String(d) };
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return { type: a.type, name, ttl, data: normalizeName(String(d)) };
    case 'TXT': {
      const raw = d as unknown;
      const chunks = Array.isArray(raw) ? raw.map(toText) : [toText(raw)];
      return { type: 'TXT', name, ttl, data: chunks.join(''), chunks };
    }
    case 'SPF': {
      const chunks = Buffer.isBuffer(d) ? chunksOfRaw(d) : [];
      return { type: 'SPF', name, ttl, data: chunks.join(''), chunks };
    }
    case 'MX': {
      const mx = d as { preference?: number; exchange?: string };
      const exchange = mx.exchange === undefined || mx.exchange === '' || mx.exchange === '.' ? '.' : normalizeName(mx.exchange);
      return { type: 'MX', name, ttl, data: { preference: mx.preference ?? 0, exchange } };
    }
    case 'CAA': {
      const caa = d as { flags?: number; tag?: string; value?: string; issuerCritical?: boolean };
      return { type: 'CAA', name, ttl, data: { flags: caa.flags ?? (caa.issuerCritical ? 128 : 0), tag: String(caa.tag ?? '').toLowerCase(), value: String(caa.value ?? '') } };
    }
    case 'SOA': {
      const soa = d as { mname?: string; rname?: string; serial?: number; refresh?: number; retry?: number; expire?: number; minimum?: number };
      return {
        type: 'SOA',
        name,
        ttl,
        data: {
          mname: stripDot(String(soa.mname ?? '')).toLowerCase(),
          rname: stripDot(String(soa.rname ?? '')).toLowerCase(),
          serial: soa.serial ?? 0,
          refresh: soa.refresh ?? 0,
          retry: soa.retry ?? 0,
          expire: soa.expire ?? 0,
          minimum: soa.minimum ?? 0,
        },
      };
    }
    default:
      return undefined;
  }
}

/** Reads a reply: follows the CNAME chain that starts at `name` and keeps the records at its end. */
export function answerFromPacket(name: string, type: DnsQueryType, packet: DecodedPacket, server: string, elapsedMs: number, tcp: boolean): DnsAnswer {
  const rcode = ((packet as unknown as { rcode?: string }).rcode ?? 'NOERROR') as DnsRcode;
  const all = (packet.answers ?? []).map((a) => toRecord(a as never)).filter((r): r is DnsRecord => r !== undefined);
  const authority = (packet.authorities ?? []).map((a) => toRecord(a as never)).filter((r): r is DnsRecord => r !== undefined && r.type === 'SOA');
  const chain: string[] = [];
  let current = name;
  if (type !== 'CNAME') {
    for (let hop = 0; hop < MAX_CNAME_HOPS; hop++) {
      const alias = all.find((r) => r.type === 'CNAME' && r.name === current);
      if (!alias || alias.type !== 'CNAME' || chain.includes(alias.data)) break;
      chain.push(alias.data);
      current = alias.data;
    }
  }
  const records = all.filter((r) => r.type === type && r.name === current);
  return { name, type, rcode, records, cnameChain: chain, authority, server, elapsedMs, tcp };
}

function failure(name: string, type: DnsQueryType, rcode: DnsRcode, error: DnsError, server: string, started: number): DnsAnswer {
  return { name, type, rcode, records: [], cnameChain: [], authority: [], server, elapsedMs: Date.now() - started, error };
}

class Gate {
  private active = 0;
  private waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * A stub resolver over real DNS: UDP with TCP fallback on truncation, a deadline per attempt, bounded
 * retries across the configured servers, random ids checked against the reply, CNAME chains followed
 * (also when an authoritative server stops at its zone's edge), answers memoised for the run.
 */
export function createResolver(opts: ResolverOptions = {}): ConfiguredResolver {
  const servers = opts.servers && opts.servers.length > 0 ? opts.servers : systemDnsServers();
  const timeoutMs = opts.timeoutMs ?? 2000;
  const retries = Math.max(0, Math.min(opts.retries ?? 2, 10));
  const gate = new Gate(Math.max(1, opts.maxConcurrent ?? 16));
  const cache = new Map<string, Promise<DnsAnswer>>();
  const overrides = new Map<string, string[]>();
  for (const [host, addrs] of opts.overrides ?? []) overrides.set(normalizeName(host), addrs);

  // A server that has never answered and has timed out DEAD_AFTER times is treated as unreachable, so a
  // wrong --dns costs a few seconds instead of every query's full timeout × retries.
  const DEAD_AFTER = 3;
  const health = new Map<string, { answered: boolean; timeouts: number }>();
  const isDead = (label: string): boolean => {
    const h = health.get(label);
    return h !== undefined && !h.answered && h.timeouts >= DEAD_AFTER;
  };

  async function ask(name: string, type: DnsQueryType): Promise<DnsAnswer> {
    const started = Date.now();
    if (servers.length === 0) {
      return failure(name, type, 'ERROR', { kind: 'no-server', message: 'no DNS server configured: pass --dns SERVER[:PORT]' }, 'none', started);
    }
    let last: DnsAnswer | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      const server = servers[attempt % servers.length]!;
      const label = formatDnsServer(server);
      try {
        assertLoopbackAllowed(server.host);
      } catch (e) {
        if (e instanceof LoopbackViolation) return failure(name, type, 'ERROR', { kind: 'guard', message: e.message }, label, started);
        throw e;
      }
      if (isDead(label)) {
        last = failure(name, type, 'TIMEOUT', { kind: 'timeout', message: `${label} has not answered any of ${DEAD_AFTER} queries: treated as unreachable` }, label, started);
        continue;
      }
      const r = await gate.run(() => exchange({ name, type, server, timeoutMs, signal: opts.signal }));
      const h = health.get(label) ?? { answered: false, timeouts: 0 };
      health.set(label, h);
      if (r.ok) h.answered = true;
      else if (r.error.kind === 'timeout') h.timeouts += 1;
      if (!r.ok) {
        last = failure(name, type, r.error.kind === 'timeout' ? 'TIMEOUT' : 'ERROR', r.error, label, started);
        if (r.error.kind === 'aborted' || r.error.kind === 'bad-name') return last;
        continue;
      }
      const answer = answerFromPacket(name, type, r.packet, label, Date.now() - started, r.tcp);
      // A server that cannot answer (SERVFAIL, REFUSED, …) may be alone in that: ask the next one if there is one.
      if (answer.rcode !== 'NOERROR' && answer.rcode !== 'NXDOMAIN' && servers.length > 1 && attempt < retries) {
        last = answer;
        continue;
      }
      return answer;
    }
    return last!;
  }

  async function resolve(name: string, type: DnsQueryType, hops: number, seen: Set<string>): Promise<DnsAnswer> {
    const started = Date.now();
    if (!validName(name)) {
      return failure(name, type, 'ERROR', { kind: 'bad-name', message: `"${name}" is not a valid DNS name (a label is empty or longer than 63 characters, or the name exceeds 253)` }, 'none', started);
    }
    if ((type === 'A' || type === 'AAAA') && overrides.has(name)) {
      const family = type === 'A' ? 4 : 6;
      const records: DnsRecord[] = overrides
        .get(name)!
        .filter((a) => isIP(a) === family)
        .map((a) => ({ type, name, ttl: 0, data: a }));
      return { name, type, rcode: 'NOERROR', records, cnameChain: [], authority: [], server: 'override', elapsedMs: 0 };
    }
    const answer = await ask(name, type);
    const end = answer.cnameChain.at(-1);
    // An authoritative server stops at the edge of its zones: chase the rest of the chain ourselves.
    if (end && answer.records.length === 0 && answer.rcode === 'NOERROR' && type !== 'CNAME') {
      if (seen.has(end) || hops + answer.cnameChain.length > MAX_CNAME_HOPS) {
        return { ...answer, rcode: 'SERVFAIL', error: { kind: 'malformed', message: `CNAME chain from ${name} loops or is longer than ${MAX_CNAME_HOPS}` } };
      }
      for (const n of answer.cnameChain) seen.add(n);
      // Not through the cache: two in-flight chases of one loop would otherwise wait on each other forever.
      const rest = await resolve(end, type, hops + answer.cnameChain.length, seen);
      return { ...rest, name, cnameChain: [...answer.cnameChain, ...rest.cnameChain], elapsedMs: Date.now() - started };
    }
    return answer;
  }

  function cached(name: string, type: DnsQueryType, hops: number, seen: Set<string>): Promise<DnsAnswer> {
    const key = `${type} ${name}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const p = resolve(name, type, hops, seen);
    if (cache.size >= MAX_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(key, p);
    return p;
  }

  return {
    servers,
    query(name: string, type: DnsQueryType): Promise<DnsAnswer> {
      const n = normalizeName(name);
      return cached(n, type, 0, new Set([n]));
    },
    async lookup(host: string) {
      const h = normalizeName(host.replace(/^\[|\]$/g, ''));
      const family = isIP(h);
      if (family === 4 || family === 6) return [{ address: h, family }];
      if (overrides.has(h)) return overrides.get(h)!.flatMap((a) => (isIP(a) ? [{ address: a, family: isIP(a) as 4 | 6 }] : []));
      const [a, aaaa] = await Promise.all([this.query(h, 'A'), this.query(h, 'AAAA')]);
      const out: Array<{ address: string; family: 4 | 6 }> = [];
      for (const r of [...a.records, ...aaaa.records]) if (r.type === 'A' || r.type === 'AAAA') out.push({ address: r.data, family: r.type === 'A' ? 4 : 6 });
      if (out.length > 0) return out;
      const broken = [a, aaaa].find((x) => x.rcode !== 'NOERROR' && x.rcode !== 'NXDOMAIN');
      if (broken) throw new DnsLookupError(h, broken.rcode, `cannot resolve ${h}: ${broken.type} query answered ${broken.rcode}${broken.error ? ` (${broken.error.message})` : ''}`);
      return out;
    },
  };
}
