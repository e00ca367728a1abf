import { parseIp4, parseIp6 } from './ip.js';
import { parseDomainSpec, parseMacroString, type MacroPart } from './macro.js';

/**
 * RFC 7208 record syntax as typed terms. `parseSpf` never throws: every problem becomes an entry in
 * `errors`, and a record with any error is a permerror as a whole (§4.6: errors anywhere count).
 */

export type SpfQualifier = '+' | '-' | '~' | '?';
export type SpfMechanismKind = 'all' | 'include' | 'a' | 'mx' | 'ptr' | 'ip4' | 'ip6' | 'exists';
export const MECHANISM_KINDS: readonly SpfMechanismKind[] = ['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists'];
/** Terms that cost a DNS lookup at evaluation time and count toward the limit of 10 (§4.6.4). */
export const LOOKUP_KINDS: readonly string[] = ['include', 'a', 'mx', 'ptr', 'exists', 'redirect'];

export interface SpfMechanism {
  type: 'mechanism';
  kind: SpfMechanismKind;
  qualifier: SpfQualifier;
  /** The term exactly as written. */
  text: string;
  /** include/exists always, a/mx/ptr when given. */
  domainSpec?: string;
  domainParts?: MacroPart[];
  /** a/mx: ip4-cidr-length and ip6-cidr-length (defaults 32 and 128). */
  cidr4?: number;
  cidr6?: number;
  /** ip4/ip6: the network and its prefix length. */
  network?: { bytes: number[]; prefix: number; text: string };
}

export interface SpfModifier {
  type: 'modifier';
  /** Lower-cased name: redirect, exp, or an unknown modifier's name. */
  name: string;
  text: string;
  value: string;
  parts?: MacroPart[];
}

export type SpfTerm = SpfMechanism | SpfModifier;

export interface SpfSyntaxError {
  /** The offending term, or the whole record for record-level problems. */
  term: string;
  /** 0-based index of the term (-1 for the record itself). */
  index: number;
  message: string;
}

export interface SpfRecord {
  /** The record text as parsed. */
  text: string;
  /** True when the text starts with the version "v=spf1" (otherwise it is not an SPF record at all). */
  isSpf: boolean;
  ok: boolean;
  terms: SpfTerm[];
  mechanisms: SpfMechanism[];
  redirect?: SpfModifier;
  exp?: SpfModifier;
  errors: SpfSyntaxError[];
  /** Legal but discouraged constructs (ptr, redirect next to all, …). */
  warnings: string[];
  /** How many terms in this record alone cost a DNS lookup (include, a, mx, ptr, exists, redirect). */
  lookupTerms: number;
}

/** "v=spf1" followed by a space or the end, case-insensitive (§4.5). */
export function isSpfRecord(text: string): boolean {
  return /^v=spf1(?: |$)/i.test(text);
}

const MODIFIER = /^([A-Za-z][A-Za-z0-9_.-]*)=(.*)$/s;

function parseMechanism(term: string): { mechanism?: SpfMechanism; error?: string } {
  let qualifier: SpfQualifier = '+';
  let body = term;
  if ('+-~?'.includes(term[0]!)) {
    qualifier = term[0] as SpfQualifier;
    body = term.slice(1);
  }
  const nameMatch = /^[A-Za-z0-9]*/.exec(body)!;
  const name = nameMatch[0].toLowerCase();
  const rest = body.slice(nameMatch[0].length);
  if (!(MECHANISM_KINDS as readonly string[]).includes(name)) {
    if (name === 'redirect' || name === 'exp') return { error: `"${name}" is a modifier and must be written ${name}=domain` };
    return { error: name ? `unknown mechanism "${name}"` : `"${term}" is neither a mechanism nor a modifier` };
  }
  const kind = name as SpfMechanismKind;
  const base = { type: 'mechanism' as const, kind, qualifier, text: term };
  const domainOf = (spec: string) => {
    const parsed = parseDomainSpec(spec);
    return parsed.ok ? { parts: parsed.parts } : { error: `${kind}: ${parsed.error}` };
  };

  switch (kind) {
    case 'all':
      if (rest !== '') return { error: `"all" takes no argument ("${term}")` };
      return { mechanism: base };
    case 'include':
    case 'exists': {
      if (!rest.startsWith(':')) return { error: `${kind} needs a domain: ${kind}:example.com` };
      const spec = rest.slice(1);
      const d = domainOf(spec);
      if (d.error) return { error: d.error };
      return { mechanism: { ...base, domainSpec: spec, domainParts: d.parts } };
    }
    case 'ptr': {
      if (rest === '') return { mechanism: base };
      if (!rest.startsWith(':')) return { error: `ptr takes an optional ":domain" and no prefix length ("${term}")` };
      const spec = rest.slice(1);
      const d = domainOf(spec);
      if (d.error) return { error: d.error };
      return { mechanism: { ...base, domainSpec: spec, domainParts: d.parts } };
    }
    case 'a':
    case 'mx': {
      const m = /^(?::(.*?))?(?:\/(\d+))?(?:\/\/(\d+))?$/s.exec(rest);
      if (!m) return { error: `${kind}: malformed argument "${rest}" (expected ${kind}[:domain][/prefix4][//prefix6])` };
      const mech: SpfMechanism = { ...base };
      if (m[1] !== undefined) {
        const d = domainOf(m[1]);
        if (d.error) return { error: d.error };
        mech.domainSpec = m[1];
        mech.domainParts = d.parts;
      }
      if (m[2] !== undefined) {
        if (!/^(0|[1-9]\d?)$/.test(m[2]) || Number(m[2]) > 32) return { error: `${kind}: IPv4 prefix length "/${m[2]}" must be 0–32 without leading zeros` };
        mech.cidr4 = Number(m[2]);
      }
      if (m[3] !== undefined) {
        if (!/^(0|[1-9]\d{0,2})$/.test(m[3]) || Number(m[3]) > 128) return { error: `${kind}: IPv6 prefix length "//${m[3]}" must be 0–128 without leading zeros` };
        mech.cidr6 = Number(m[3]);
      }
      return { mechanism: mech };
    }
    case 'ip4':
    case 'ip6': {
      if (!rest.startsWith(':')) return { error: `${kind} needs an address: ${kind === 'ip4' ? 'ip4:192.0.2.0/24' : 'ip6:2001:db8::/32'}` };
      const m = /^:(.+?)(?:\/(\d+))?$/s.exec(rest);
      if (!m) return { error: `${kind}: malformed network "${rest.slice(1)}"` };
      const max = kind === 'ip4' ? 32 : 128;
      const bytes = kind === 'ip4' ? parseIp4(m[1]!) : parseIp6(m[1]!);
      if (!bytes) return { error: `${kind}: "${m[1]}" is not a valid ${kind === 'ip4' ? 'IPv4 address (four octets, no leading zeros)' : 'IPv6 address'}` };
      let prefix = max;
      if (m[2] !== undefined) {
        if (!/^(0|[1-9]\d*)$/.test(m[2]) || Number(m[2]) > max) return { error: `${kind}: prefix length "/${m[2]}" must be 0–${max} without leading zeros` };
        prefix = Number(m[2]);
      }
      return { mechanism: { ...base, network: { bytes, prefix, text: m[1]! } } };
    }
  }
}

export function parseSpf(input: unknown): SpfRecord {
  const text = typeof input === 'string' ? input : '';
  const record: SpfRecord = { text, isSpf: isSpfRecord(text), ok: false, terms: [], mechanisms: [], errors: [], warnings: [], lookupTerms: 0 };
  if (!record.isSpf) {
    record.errors.push({ term: text.slice(0, 12), index: -1, message: 'does not start with the version "v=spf1" followed by a space' });
    return record;
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) {
      record.errors.push({ term: text, index: -1, message: `character U+${code.toString(16).toUpperCase().padStart(4, '0')} at position ${i + 1}: SPF records are 7-bit ASCII and terms are separated by spaces only` });
      break;
    }
  }
  // After "v=spf1": terms separated by one or more spaces; trailing spaces are allowed (§4.6.1, §12).
  const terms = text.slice(6).split(' ').filter((t) => t !== '');
  let hasAll = false;
  terms.forEach((term, index) => {
    const mod = MODIFIER.exec(term);
    if (mod) {
      const name = mod[1]!.toLowerCase();
      const value = mod[2]!;
      const modifier: SpfModifier = { type: 'modifier', name, text: term, value };
      if (name === 'redirect' || name === 'exp') {
        const parsed = parseDomainSpec(value);
        if (!parsed.ok) {
          record.errors.push({ term, index, message: `${name}: ${parsed.error}` });
          return;
        }
        modifier.parts = parsed.parts;
        if (record[name]) {
          record.errors.push({ term, index, message: `"${name}=" appears more than once` });
          return;
        }
        record[name] = modifier;
        if (name === 'redirect') record.lookupTerms++;
      } else {
        const parsed = parseMacroString(value, 'modifier');
        if (!parsed.ok) {
          record.errors.push({ term, index, message: `modifier "${mod[1]}": ${parsed.error}` });
          return;
        }
        modifier.parts = parsed.parts;
      }
      record.terms.push(modifier);
      return;
    }
    const eq = term.indexOf('=');
    const firstSep = term.search(/[:/]/);
    if (eq >= 0 && (firstSep < 0 || eq < firstSep)) {
      record.errors.push({ term, index, message: `"${term.slice(0, eq)}" is not a valid modifier name (a letter, then letters, digits, "-", "_" or ".")` });
      return;
    }
    const { mechanism, error } = parseMechanism(term);
    if (error || !mechanism) {
      record.errors.push({ term, index, message: error ?? 'unparseable term' });
      return;
    }
    if (mechanism.kind === 'all') hasAll = true;
    if (LOOKUP_KINDS.includes(mechanism.kind)) record.lookupTerms++;
    if (mechanism.kind === 'ptr') record.warnings.push(`"${term}": the ptr mechanism is slow and unreliable; RFC 7208 §5.5 says it SHOULD NOT be used`);
    record.terms.push(mechanism);
    record.mechanisms.push(mechanism);
  });
  if (hasAll && record.redirect) record.warnings.push(`"${record.redirect.text}" is ignored because the record has an "all" mechanism (§6.1)`);
  const allIndex = record.terms.findIndex((t) => t.type === 'mechanism' && t.kind === 'all');
  if (allIndex >= 0 && record.terms.slice(allIndex + 1).some((t) => t.type === 'mechanism')) {
    record.warnings.push('mechanisms after "all" are never evaluated');
  }
  record.ok = record.errors.length === 0;
  return record;
}
