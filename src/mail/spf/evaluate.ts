import type { DnsAnswer, DnsQueryType } from '../../net/dns/types.js';
import { inNetwork, parseAnswerAddress, parseClientIp, reverseName, type IpAddress } from './ip.js';
import { expandMacroString, isQueryableName, parseMacroString, toTargetName, type MacroPart, type MacroValues } from './macro.js';
import { isSpfRecord, parseSpf, type SpfMechanism, type SpfQualifier, type SpfRecord } from './parse.js';

/**
 * RFC 7208 check_host(). Lookups are counted as terms are evaluated (10 DNS-querying terms, 2 void
 * lookups, 10 MX and 10 PTR names per term), so the result is what a receiver computes.
 */

export type SpfResult = 'none' | 'neutral' | 'pass' | 'fail' | 'softfail' | 'temperror' | 'permerror';

/** All the evaluator needs from DNS: the resolver's query(). */
export interface SpfResolver {
  query(name: string, type: DnsQueryType): Promise<DnsAnswer>;
}

export interface CheckHostOptions {
  /** %{r}: the name of the receiving host. Default "unknown". */
  receiver?: string;
  /** %{t}. Default: now. */
  now?: Date;
  /** Default 10 (RFC 7208 §4.6.4). */
  maxLookups?: number;
  /** Default 2. */
  maxVoidLookups?: number;
}

export interface SpfOutcome {
  result: SpfResult;
  /** Explanation from exp= when the result is fail and one could be built; undefined means the receiver's default. */
  explanation?: string;
  /** Why, in words: the mechanism that matched, or the error. */
  reason: string;
  /** The term that decided the result, when one did. */
  mechanism?: string;
  /** The domain whose record decided it. */
  domain?: string;
  lookups: number;
  voidLookups: number;
}

const QUALIFIER_RESULT: Record<SpfQualifier, SpfResult> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };

class Abort extends Error {
  constructor(
    public readonly result: 'permerror' | 'temperror',
    public readonly why: string,
  ) {
    super(why);
  }
}

interface State {
  ip: IpAddress;
  sender: string;
  local: string;
  senderDomain: string;
  helo: string;
  receiver: string;
  now: Date;
  resolver: SpfResolver;
  lookups: number;
  voids: number;
  maxLookups: number;
  maxVoids: number;
  validated: Map<string, Promise<string>>;
}

interface Inner {
  result: SpfResult;
  explanation?: string;
  reason: string;
  mechanism?: string;
  domain: string;
}

/** A multi-label name with labels of 1–63 characters (§4.3): anything else makes check_host() return none. */
export function isValidSpfDomain(domain: string): boolean {
  const d = domain.endsWith('.') ? domain.slice(0, -1) : domain;
  if (d.startsWith('[') || !isQueryableName(d)) return false;
  return d.split('.').length >= 2;
}

function classify(answer: DnsAnswer): 'ok' | 'void' | 'error' {
  if (answer.rcode === 'NXDOMAIN') return 'void';
  if (answer.rcode !== 'NOERROR') return 'error';
  return answer.records.length === 0 ? 'void' : 'ok';
}

function describeDnsFailure(answer: DnsAnswer): string {
  return `${answer.type} lookup of ${answer.name} failed (${answer.rcode}${answer.error ? `: ${answer.error.message}` : ''})`;
}

async function query(st: State, name: string, type: DnsQueryType): Promise<DnsAnswer> {
  return st.resolver.query(name, type);
}

function countLookup(st: State, term: string): void {
  st.lookups++;
  if (st.lookups > st.maxLookups) throw new Abort('permerror', `more than ${st.maxLookups} DNS-querying terms (include, a, mx, ptr, exists, redirect) at "${term}"`);
}

function countVoid(st: State, term: string, name: string): void {
  st.voids++;
  if (st.voids > st.maxVoids) throw new Abort('permerror', `more than ${st.maxVoids} void lookups (a name that does not exist or has no records) at "${term}" (${name})`);
}

function macroValues(st: State, domain: string): MacroValues {
  return {
    sender: st.sender,
    local: st.local,
    senderDomain: st.senderDomain,
    domain,
    ip: st.ip,
    helo: st.helo,
    receiver: st.receiver,
    now: st.now,
    validatedName: () => {
      let p = st.validated.get(domain);
      if (!p) st.validated.set(domain, (p = validatedName(st, domain)));
      return p;
    },
  };
}

async function targetOf(st: State, parts: MacroPart[] | undefined, domain: string): Promise<string> {
  if (!parts) return domain;
  return toTargetName(await expandMacroString(parts, macroValues(st, domain)));
}

/** Addresses of `name` in the client's family; 'void' / 'error' as classify(). */
async function addressesOf(st: State, name: string): Promise<{ status: 'ok' | 'void' | 'error'; addresses: number[][]; answer: DnsAnswer }> {
  const answer = await query(st, name, st.ip.family === 4 ? 'A' : 'AAAA');
  const status = classify(answer);
  const addresses = answer.records.flatMap((r) => (r.type === 'A' || r.type === 'AAAA' ? [parseAnswerAddress(r.data) ?? []] : [])).filter((b) => b.length === st.ip.bytes.length);
  return { status, addresses, answer };
}

/** PTR names of the client that resolve back to it (§5.5), at most 10 considered. */
async function validatedNames(st: State, target?: string): Promise<string[] | 'error' | 'void'> {
  const answer = await query(st, reverseName(st.ip), 'PTR');
  const status = classify(answer);
  if (status !== 'ok') return status;
  const names = answer.records.flatMap((r) => (r.type === 'PTR' ? [r.data.toLowerCase().replace(/\.$/, '')] : [])).slice(0, 10);
  const candidates = target ? names.filter((n) => n === target || n.endsWith('.' + target)) : names;
  const out: string[] = [];
  for (const name of candidates) {
    if (!isQueryableName(name)) continue;
    const a = await addressesOf(st, name);
    // A DNS error while validating one name skips that name (§5.5).
    if (a.status === 'ok' && a.addresses.some((b) => inNetwork(st.ip, b, b.length * 8))) out.push(name);
  }
  return out;
}

/** %{p}: the validated name, preferring <domain> itself, then a subdomain of it, else any; "unknown" when none. */
async function validatedName(st: State, domain: string): Promise<string> {
  try {
    const names = await validatedNames(st);
    if (!Array.isArray(names) || names.length === 0) return 'unknown';
    const d = domain.toLowerCase();
    return names.find((n) => n === d) ?? names.find((n) => n.endsWith('.' + d)) ?? names[0]!;
  } catch {
    return 'unknown';
  }
}

async function matchMechanism(st: State, m: SpfMechanism, domain: string): Promise<boolean> {
  switch (m.kind) {
    case 'all':
      return true;
    case 'ip4':
    case 'ip6':
      if ((m.kind === 'ip4') !== (st.ip.family === 4)) return false;
      return inNetwork(st.ip, m.network!.bytes, m.network!.prefix);
    case 'include': {
      countLookup(st, m.text);
      const target = await targetOf(st, m.domainParts, domain);
      const inner = await checkHostInner(st, target, 'include', false);
      switch (inner.result) {
        case 'pass':
          return true;
        case 'fail':
        case 'softfail':
        case 'neutral':
          return false;
        case 'temperror':
          throw new Abort('temperror', `include:${target}: ${inner.reason}`);
        case 'none':
          throw new Abort('permerror', `include:${target} has no SPF record`);
        default:
          throw new Abort('permerror', `include:${target}: ${inner.reason}`);
      }
    }
    case 'a': {
      countLookup(st, m.text);
      const target = await targetOf(st, m.domainParts, domain);
      if (!isQueryableName(target)) return false;
      const a = await addressesOf(st, target);
      if (a.status === 'error') throw new Abort('temperror', describeDnsFailure(a.answer));
      if (a.status === 'void') {
        countVoid(st, m.text, target);
        return false;
      }
      const prefix = st.ip.family === 4 ? (m.cidr4 ?? 32) : (m.cidr6 ?? 128);
      return a.addresses.some((b) => inNetwork(st.ip, b, prefix));
    }
    case 'mx': {
      countLookup(st, m.text);
      const target = await targetOf(st, m.domainParts, domain);
      if (!isQueryableName(target)) return false;
      const answer = await query(st, target, 'MX');
      const status = classify(answer);
      if (status === 'error') throw new Abort('temperror', describeDnsFailure(answer));
      if (status === 'void') {
        countVoid(st, m.text, target);
        return false;
      }
      const exchanges = answer.records.flatMap((r) => (r.type === 'MX' ? [r.data.exchange] : []));
      if (exchanges.length > 10) throw new Abort('permerror', `${m.text}: ${target} has ${exchanges.length} MX records; at most 10 may be looked up (§4.6.4)`);
      const prefix = st.ip.family === 4 ? (m.cidr4 ?? 32) : (m.cidr6 ?? 128);
      for (const exchange of exchanges) {
        // The null MX "." (RFC 7505) names no host.
        if (exchange === '.' || exchange === '' || !isQueryableName(exchange)) continue;
        const a = await addressesOf(st, exchange);
        if (a.status === 'error') throw new Abort('temperror', describeDnsFailure(a.answer));
        if (a.addresses.some((b) => inNetwork(st.ip, b, prefix))) return true;
      }
      return false;
    }
    case 'ptr': {
      countLookup(st, m.text);
      const target = (await targetOf(st, m.domainParts, domain)).toLowerCase();
      const names = await validatedNames(st, target);
      if (names === 'void') {
        countVoid(st, m.text, reverseName(st.ip));
        return false;
      }
      // A DNS error on the PTR lookup makes the mechanism not match (§5.5).
      if (names === 'error') return false;
      return names.length > 0;
    }
    case 'exists': {
      countLookup(st, m.text);
      const target = await targetOf(st, m.domainParts, domain);
      if (!isQueryableName(target)) return false;
      // exists always asks for A records, whatever the client's family (§5.7).
      const answer = await query(st, target, 'A');
      const status = classify(answer);
      if (status === 'error') throw new Abort('temperror', describeDnsFailure(answer));
      if (status === 'void') {
        countVoid(st, m.text, target);
        return false;
      }
      return true;
    }
  }
}

/** exp= (§6.2): any problem — DNS, several records, bad syntax, non-ASCII — means "no explanation". */
async function explanationFor(st: State, record: SpfRecord, domain: string): Promise<string | undefined> {
  if (!record.exp?.parts) return undefined;
  try {
    const target = await targetOf(st, record.exp.parts, domain);
    if (!isQueryableName(target)) return undefined;
    const answer = await query(st, target, 'TXT');
    if (answer.rcode !== 'NOERROR') return undefined;
    const texts = answer.records.flatMap((r) => (r.type === 'TXT' ? [r.data] : []));
    if (texts.length !== 1) return undefined;
    const parsed = parseMacroString(texts[0]!, 'explain');
    if (!parsed.ok) return undefined;
    return await expandMacroString(parsed.parts, macroValues(st, domain));
  } catch {
    return undefined;
  }
}

/** Fetches and selects the one SPF record of a domain (§4.4, §4.5). */
export async function fetchSpfRecord(
  resolver: SpfResolver,
  domain: string,
): Promise<{ status: 'ok'; record: SpfRecord; text: string } | { status: 'none' | 'temperror' | 'permerror'; reason: string; records?: string[] }> {
  const answer = await resolver.query(domain, 'TXT');
  if (answer.rcode === 'NXDOMAIN') return { status: 'none', reason: `${domain} does not exist (NXDOMAIN)` };
  if (answer.rcode !== 'NOERROR') return { status: 'temperror', reason: describeDnsFailure(answer) };
  const spf = answer.records.flatMap((r) => (r.type === 'TXT' ? [r.data] : [])).filter(isSpfRecord);
  if (spf.length === 0) return { status: 'none', reason: `${domain} publishes no SPF record` };
  if (spf.length > 1) return { status: 'permerror', reason: `${domain} publishes ${spf.length} SPF records; exactly one is allowed`, records: spf };
  return { status: 'ok', record: parseSpf(spf[0]!), text: spf[0]! };
}

async function checkHostInner(st: State, domain: string, via: 'top' | 'include' | 'redirect', explain: boolean): Promise<Inner> {
  if (!isValidSpfDomain(domain)) {
    return via === 'top'
      ? { result: 'none', reason: `"${domain}" is not a valid domain name`, domain }
      : { result: 'permerror', reason: `"${domain}" is not a valid domain name`, domain };
  }
  const fetched = await fetchSpfRecord(st.resolver, domain);
  if (fetched.status === 'none') return { result: 'none', reason: fetched.reason, domain };
  if (fetched.status !== 'ok') return { result: fetched.status, reason: fetched.reason, domain };
  const record = fetched.record;
  if (!record.ok) {
    const e = record.errors[0]!;
    return { result: 'permerror', reason: `syntax error in the SPF record of ${domain} at "${e.term}": ${e.message}`, domain };
  }
  for (const m of record.mechanisms) {
    if (await matchMechanism(st, m, domain)) {
      const result = QUALIFIER_RESULT[m.qualifier];
      const explanation = result === 'fail' && explain ? await explanationFor(st, record, domain) : undefined;
      return { result, explanation, reason: `matched "${m.text}" in the SPF record of ${domain}`, mechanism: m.text, domain };
    }
  }
  if (record.redirect?.parts) {
    countLookup(st, record.redirect.text);
    const target = await targetOf(st, record.redirect.parts, domain);
    const inner = await checkHostInner(st, target, 'redirect', explain);
    if (inner.result === 'none') return { result: 'permerror', reason: `redirect=${target}: ${inner.reason}`, domain: target };
    return inner;
  }
  return { result: 'neutral', reason: `no mechanism matched in the SPF record of ${domain} and it has no redirect (default neutral)`, domain };
}

/**
 * check_host(ip, domain, sender) of RFC 7208 §4. `sender` is the MAIL FROM (or postmaster@helo when it
 * is empty); `helo` the HELO/EHLO name. Never throws: DNS and syntax problems are results.
 */
export async function checkHost(ip: string, domain: string, sender: string, helo: string, resolver: SpfResolver, options: CheckHostOptions = {}): Promise<SpfOutcome> {
  const client = parseClientIp(ip);
  const base = { lookups: 0, voidLookups: 0 };
  if (!client) return { ...base, result: 'permerror', reason: `"${ip}" is not an IP address` };
  const at = sender.lastIndexOf('@');
  const local = at > 0 ? sender.slice(0, at) : 'postmaster';
  const senderDomain = at >= 0 ? sender.slice(at + 1) : sender;
  const st: State = {
    ip: client,
    sender: `${local}@${senderDomain}`,
    local,
    senderDomain,
    helo,
    receiver: options.receiver ?? 'unknown',
    now: options.now ?? new Date(),
    resolver,
    lookups: 0,
    voids: 0,
    maxLookups: options.maxLookups ?? 10,
    maxVoids: options.maxVoidLookups ?? 2,
    validated: new Map(),
  };
  const d = domain.endsWith('.') ? domain.slice(0, -1) : domain;
  try {
    const inner = await checkHostInner(st, d, 'top', true);
    return { result: inner.result, explanation: inner.explanation, reason: inner.reason, mechanism: inner.mechanism, domain: inner.domain, lookups: st.lookups, voidLookups: st.voids };
  } catch (e) {
    if (e instanceof Abort) return { result: e.result, reason: e.why, lookups: st.lookups, voidLookups: st.voids, domain: d };
    return { result: 'temperror', reason: `evaluation failed: ${(e as Error).message}`, lookups: st.lookups, voidLookups: st.voids, domain: d };
  }
}

/** The receiver's view of one SMTP transaction: MAIL FROM (empty for bounces) and HELO, as the SPF test suite states them. */
export async function spfVerify(
  tx: { ip: string; mailFrom: string; helo: string },
  resolver: SpfResolver,
  options?: CheckHostOptions,
): Promise<SpfOutcome> {
  const sender = tx.mailFrom && tx.mailFrom.includes('@') ? tx.mailFrom : tx.mailFrom ? `postmaster@${tx.mailFrom}` : `postmaster@${tx.helo}`;
  const domain = sender.slice(sender.lastIndexOf('@') + 1);
  return checkHost(tx.ip, domain, sender, tx.helo, resolver, options);
}
