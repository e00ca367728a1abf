import type { DnsRcode } from '../../net/dns/types.js';
import { fetchSpfRecord, type SpfResolver } from './evaluate.js';
import { isQueryableName, toTargetName, type MacroPart } from './macro.js';
import { isSpfRecord, LOOKUP_KINDS, parseSpf, type SpfMechanism, type SpfQualifier, type SpfRecord } from './parse.js';

/**
 * A domain's SPF policy as a whole, for judging it: the record, every include/redirect it pulls in,
 * the worst-case count of DNS-querying terms (what a receiver spends on a sender that matches late),
 * void lookups, and the terms that authorise (nearly) every address, judged from the mechanisms.
 */

export interface SpfNode {
  /** The term that pulled this record in, e.g. "include:_spf.google.com". */
  term: string;
  via: 'include' | 'redirect';
  domain: string;
  status: 'ok' | 'none' | 'multiple' | 'syntax' | 'dns-error' | 'invalid-name' | 'loop' | 'too-deep';
  record?: string;
  /** Why the status is not ok. */
  detail?: string;
  /** DNS-querying terms in this record and everything below it. */
  lookups: number;
  children: SpfNode[];
}

export interface SpfVoidLookup {
  term: string;
  /** The record the term is in. */
  inDomain: string;
  name: string;
  rcode: DnsRcode;
}

export interface SpfAnalysis {
  domain: string;
  /** rcode of the TXT query at the domain. */
  rcode: DnsRcode;
  /** Every TXT record at the domain that starts with v=spf1. */
  records: string[];
  /** The record when there is exactly one. */
  record?: string;
  parsed?: SpfRecord;
  includes: SpfNode[];
  /** DNS-querying terms across the whole tree (include, a, mx, ptr, exists, redirect). */
  totalLookups: number;
  voidLookups: SpfVoidLookup[];
  /** mx terms whose target has more than 10 MX records (a permerror when evaluated). */
  mxOverLimit: Array<{ term: string; name: string; count: number }>;
  /** Terms whose target depends on the sender or client (macros other than %{d}/%{o}): counted, not followed. */
  senderDependent: string[];
  /** The qualifier of the "all" that ends the policy, after following redirect=; undefined = no all (neutral). */
  allQualifier?: SpfQualifier;
  /** How the policy ends, e.g. `-all` or `redirect=_spf.example.net → ~all`. */
  terminal: string;
  /** Problems in records reached through include/redirect, with where they are. */
  problems: string[];
  warnings: string[];
  /**
   * Terms that authorise (nearly) the whole internet, wherever they sit in the include/redirect tree:
   * `+all`, ip4 prefixes wider than /8, ip6 prefixes wider than /16 (and a/mx with such CIDR lengths).
   */
  openTerms: SpfOpenTerm[];
  /** `ptr` mechanisms anywhere in the tree (RFC 7208 §5.5: SHOULD NOT be used). */
  ptrTerms: Array<{ term: string; inDomain: string }>;
}

export interface SpfOpenTerm {
  term: string;
  /** The record the term is in. */
  inDomain: string;
  /** The domains from the checked one down to the record holding the term. */
  chain: string[];
  why: string;
}

/** Widest prefixes that are still one organisation's network: wider ranges authorise strangers. */
export const MIN_IPV4_PREFIX = 8;
export const MIN_IPV6_PREFIX = 16;

const MAX_DEPTH = 12;

function staticTarget(parts: MacroPart[] | undefined, domain: string): string | undefined {
  if (!parts) return domain;
  let out = '';
  for (const p of parts) {
    if (p.kind !== 'macro') out += p.text;
    else if (p.letter === 'd' || p.letter === 'o') {
      const split = domain.split(new RegExp(`[${p.delimiters.replace(/[-\\\]^/]/g, '\\$&')}]`));
      if (p.reverse) split.reverse();
      out += (p.digits !== undefined && p.digits < split.length ? split.slice(split.length - p.digits) : split).join('.');
    } else return undefined;
  }
  return toTargetName(out).toLowerCase();
}

interface Walk {
  resolver: SpfResolver;
  voids: SpfVoidLookup[];
  mxOverLimit: SpfAnalysis['mxOverLimit'];
  senderDependent: string[];
  problems: string[];
  warnings: string[];
  openTerms: SpfOpenTerm[];
  ptrTerms: Array<{ term: string; inDomain: string }>;
}

/** Why a mechanism (qualifier +) matches nearly every address, or undefined. */
function openness(m: SpfMechanism): string | undefined {
  if (m.qualifier !== '+') return undefined;
  if (m.kind === 'all') return '+all matches every address';
  if (m.kind === 'ip4' && m.network && m.network.prefix < MIN_IPV4_PREFIX) return `a /${m.network.prefix} IPv4 range (${2 ** (32 - m.network.prefix) >= 2 ** 31 ? 'half of all addresses or more' : `${(2 ** (32 - m.network.prefix)).toLocaleString('en')} addresses`}) — wider than /${MIN_IPV4_PREFIX}`;
  if (m.kind === 'ip6' && m.network && m.network.prefix < MIN_IPV6_PREFIX) return `a /${m.network.prefix} IPv6 range — wider than /${MIN_IPV6_PREFIX}`;
  if ((m.kind === 'a' || m.kind === 'mx') && m.cidr4 !== undefined && m.cidr4 < MIN_IPV4_PREFIX) return `"/${m.cidr4}" widens every address it finds to a range wider than /${MIN_IPV4_PREFIX}`;
  if ((m.kind === 'a' || m.kind === 'mx') && m.cidr6 !== undefined && m.cidr6 < MIN_IPV6_PREFIX) return `"//${m.cidr6}" widens every IPv6 address it finds to a range wider than /${MIN_IPV6_PREFIX}`;
  return undefined;
}

async function voidCheck(w: Walk, term: string, inDomain: string, name: string, types: Array<'A' | 'AAAA' | 'MX'>): Promise<void> {
  const answers = await Promise.all(types.map((t) => w.resolver.query(name, t)));
  const errored = answers.find((a) => a.rcode !== 'NOERROR' && a.rcode !== 'NXDOMAIN');
  if (errored) {
    w.problems.push(`"${term}" in the SPF record of ${inDomain}: ${errored.type} lookup of ${name} fails (${errored.rcode}) — receivers get temperror`);
    return;
  }
  if (answers.every((a) => a.rcode === 'NXDOMAIN' || a.records.length === 0)) {
    w.voids.push({ term, inDomain, name, rcode: answers[0]!.rcode });
  }
  const mx = answers.find((a) => a.type === 'MX');
  if (mx && mx.records.length > 10) w.mxOverLimit.push({ term, name, count: mx.records.length });
}

/** Walks one record; returns the DNS-querying terms it and its includes/redirect cost, worst case. */
async function walkRecord(w: Walk, domain: string, record: SpfRecord, path: string[], children: SpfNode[]): Promise<number> {
  let lookups = 0;
  const hasAll = record.mechanisms.some((m) => m.kind === 'all');
  for (const m of record.mechanisms) {
    const open = openness(m);
    if (open) w.openTerms.push({ term: m.text, inDomain: domain, chain: path, why: open });
    if (m.kind === 'ptr') w.ptrTerms.push({ term: m.text, inDomain: domain });
    if (!LOOKUP_KINDS.includes(m.kind)) continue;
    lookups++;
    const target = staticTarget(m.domainParts, domain);
    if (target === undefined) {
      w.senderDependent.push(m.text);
      continue;
    }
    if (m.kind === 'include') {
      const node = await follow(w, m.text, 'include', target, path);
      children.push(node);
      lookups += node.lookups;
    } else if (!isQueryableName(target)) {
      w.problems.push(`"${m.text}" in the SPF record of ${domain}: "${target}" is not a valid domain name`);
    } else if (m.kind === 'a') {
      await voidCheck(w, m.text, domain, target, ['A', 'AAAA']);
    } else if (m.kind === 'mx') {
      await voidCheck(w, m.text, domain, target, ['MX']);
    } else if (m.kind === 'exists') {
      await voidCheck(w, m.text, domain, target, ['A']);
    }
  }
  if (record.redirect && !hasAll) {
    lookups++;
    const target = staticTarget(record.redirect.parts, domain);
    if (target === undefined) w.senderDependent.push(record.redirect.text);
    else {
      const node = await follow(w, record.redirect.text, 'redirect', target, path);
      children.push(node);
      lookups += node.lookups;
    }
  }
  return lookups;
}

async function follow(w: Walk, term: string, via: 'include' | 'redirect', domain: string, path: string[]): Promise<SpfNode> {
  const node: SpfNode = { term, via, domain, status: 'ok', lookups: 0, children: [] };
  const where = `"${term}" (reached from ${path.join(' → ')})`;
  if (path.includes(domain)) {
    node.status = 'loop';
    node.detail = `${domain} includes itself through ${[...path, domain].join(' → ')}`;
    w.problems.push(`${where}: loop — ${node.detail}`);
    return node;
  }
  if (path.length >= MAX_DEPTH) {
    node.status = 'too-deep';
    node.detail = 'includes nested too deeply to follow';
    return node;
  }
  if (!isQueryableName(domain) || !domain.includes('.')) {
    node.status = 'invalid-name';
    node.detail = `"${domain}" is not a valid domain name`;
    w.problems.push(`${where}: ${node.detail} — receivers get permerror`);
    return node;
  }
  const fetched = await fetchSpfRecord(w.resolver, domain);
  if (fetched.status !== 'ok') {
    node.status = fetched.status === 'none' ? 'none' : fetched.status === 'temperror' ? 'dns-error' : 'multiple';
    node.detail = fetched.reason;
    w.problems.push(`${where}: ${fetched.reason} — receivers get ${fetched.status === 'temperror' ? 'temperror' : 'permerror'}`);
    return node;
  }
  node.record = fetched.text;
  if (!fetched.record.ok) {
    node.status = 'syntax';
    const e = fetched.record.errors[0]!;
    node.detail = `syntax error at "${e.term}": ${e.message}`;
    w.problems.push(`${where}: the SPF record of ${domain} has a ${node.detail} — receivers get permerror`);
    return node;
  }
  node.lookups = await walkRecord(w, domain, fetched.record, [...path, domain], node.children);
  return node;
}

async function terminalOf(resolver: SpfResolver, domain: string, record: SpfRecord, hops = 0): Promise<{ qualifier?: SpfQualifier; text: string }> {
  const all = record.mechanisms.find((m) => m.kind === 'all');
  if (all) return { qualifier: all.qualifier, text: all.text };
  if (record.redirect && hops < 10) {
    const target = staticTarget(record.redirect.parts, domain);
    if (target) {
      const fetched = await fetchSpfRecord(resolver, target);
      if (fetched.status === 'ok' && fetched.record.ok) {
        const inner = await terminalOf(resolver, target, fetched.record, hops + 1);
        return { qualifier: inner.qualifier, text: `${record.redirect.text} → ${inner.text}` };
      }
      return { text: `${record.redirect.text} → (no usable record)` };
    }
  }
  return { text: 'no "all" and no redirect (receivers default to neutral, like ?all)' };
}

export async function analyzeSpf(resolver: SpfResolver, domain: string): Promise<SpfAnalysis> {
  const d = domain.toLowerCase().replace(/\.$/, '');
  const answer = await resolver.query(d, 'TXT');
  const records = answer.records.flatMap((r) => (r.type === 'TXT' ? [r.data] : [])).filter(isSpfRecord);
  const w: Walk = { resolver, voids: [], mxOverLimit: [], senderDependent: [], problems: [], warnings: [], openTerms: [], ptrTerms: [] };
  const analysis: SpfAnalysis = {
    domain: d,
    rcode: answer.rcode,
    records,
    includes: [],
    totalLookups: 0,
    voidLookups: w.voids,
    mxOverLimit: w.mxOverLimit,
    senderDependent: w.senderDependent,
    terminal: '',
    problems: w.problems,
    warnings: w.warnings,
    openTerms: w.openTerms,
    ptrTerms: w.ptrTerms,
  };
  if (records.length !== 1) return analysis;
  analysis.record = records[0]!;
  analysis.parsed = parseSpf(records[0]!);
  w.warnings.push(...analysis.parsed.warnings);
  if (!analysis.parsed.ok) return analysis;
  analysis.totalLookups = await walkRecord(w, d, analysis.parsed, [d], analysis.includes);
  const terminal = await terminalOf(resolver, d, analysis.parsed);
  analysis.allQualifier = terminal.qualifier;
  analysis.terminal = terminal.text;
  return analysis;
}
