import { defineGatherer, NotApplicable } from '../../engine/check.js';
import type { GatherContext } from '../../engine/context.js';
import { parseDkimKey, looksLikeDkimKey, type DkimKeyRecord } from '../../mail/dkim.js';
import { isDmarcRecord, looksLikeDmarc, parseDmarc, type DmarcRecord } from '../../mail/dmarc.js';
import { analyzeSpf, type SpfAnalysis } from '../../mail/spf/analyze.js';
import { parseMtaSts, parseTlsRpt, type MtaStsRecord, type TlsRptRecord } from '../../mail/sts.js';
import { resolverFor } from '../../net/dns/context.js';
import { addressesOf, mxOf, normalizeName, txtOf, type DnsAnswer, type DnsRcode, type Resolver } from '../../net/dns/types.js';
import { findZoneApex } from '../../net/dns/zone.js';
import { COMMON_SELECTORS, isValidSelector } from './selectors.js';

/** Everything the email checks judge, gathered once per mail domain. */

export interface MxHostEvidence {
  exchange: string;
  preference: number;
  addresses: string[];
  /** rcode of the address lookups (A first, else AAAA). */
  rcode: DnsRcode;
  /** The exchange is an alias (RFC 2181 §10.3 forbids MX → CNAME). */
  cnameChain: string[];
}

export interface MxEvidence {
  rcode: DnsRcode;
  error?: string;
  hosts: MxHostEvidence[];
  /** A single "0 ." record (RFC 7505): the domain accepts no mail. */
  nullMx: boolean;
}

export interface DkimSelectorEvidence {
  selector: string;
  source: 'config' | 'common';
  provider?: string;
  /** <selector>._domainkey.<domain> */
  name: string;
  rcode: DnsRcode;
  error?: string;
  cnameChain: string[];
  /** TXT records at the name that look like DKIM keys. */
  records: string[];
  keys: DkimKeyRecord[];
}

export interface DmarcLookup {
  name: string;
  rcode: DnsRcode;
  error?: string;
  /** Records starting exactly with v=DMARC1. */
  records: string[];
  /** Records that look meant as DMARC but are spelled wrong (ignored by receivers). */
  nearMisses: string[];
  parsed?: DmarcRecord;
}

export interface DmarcExternalAuth {
  /** The rua/ruf URI. */
  uri: string;
  reportDomain: string;
  /** <domain>._report._dmarc.<reportDomain> */
  name: string;
  rcode: DnsRcode;
  authorised: boolean;
  records: string[];
}

export interface DmarcEvidence {
  own: DmarcLookup;
  /** When the mail domain has no record of its own: the organisational domain's, which then applies. */
  organisational?: DmarcLookup & { domain: string };
  external: DmarcExternalAuth[];
}

export interface StsEvidence<T> {
  name: string;
  rcode: DnsRcode;
  records: string[];
  parsed?: T;
}

export interface MailEvidence {
  domain: string;
  /** The config names a mail domain (the product sends mail), as opposed to a domain checked in passing. */
  mailExpected: boolean;
  configuredSelectors: string[];
  mx: MxEvidence;
  spf: SpfAnalysis;
  dkim: DkimSelectorEvidence[];
  dmarc: DmarcEvidence;
  mtaSts: StsEvidence<MtaStsRecord>;
  tlsRpt: StsEvidence<TlsRptRecord>;
}

function errorOf(a: DnsAnswer): string | undefined {
  return a.error?.message;
}

async function gatherMx(resolver: Resolver, domain: string): Promise<MxEvidence> {
  const answer = await resolver.query(domain, 'MX');
  const mx = mxOf(answer).sort((a, b) => a.preference - b.preference);
  const nullMx = mx.length === 1 && mx[0]!.exchange === '.';
  const hosts = await Promise.all(
    mx
      .filter((m) => m.exchange !== '.')
      .map(async (m): Promise<MxHostEvidence> => {
        const [a, aaaa] = await Promise.all([resolver.query(m.exchange, 'A'), resolver.query(m.exchange, 'AAAA')]);
        const addresses = [...addressesOf(a), ...addressesOf(aaaa)];
        return { exchange: m.exchange, preference: m.preference, addresses, rcode: addresses.length ? 'NOERROR' : a.rcode, cnameChain: a.cnameChain };
      }),
  );
  return { rcode: answer.rcode, error: errorOf(answer), hosts, nullMx };
}

async function gatherDkim(resolver: Resolver, domain: string, configured: string[]): Promise<DkimSelectorEvidence[]> {
  const wanted = new Map<string, { source: 'config' | 'common'; provider?: string }>();
  for (const s of configured) wanted.set(s.toLowerCase(), { source: 'config' });
  // Named selectors are the answer: guessing 38 more only adds queries and noise.
  if (configured.length === 0) for (const h of COMMON_SELECTORS) if (!wanted.has(h.selector)) wanted.set(h.selector, { source: 'common', provider: h.provider });
  return Promise.all(
    [...wanted].map(async ([selector, meta]): Promise<DkimSelectorEvidence> => {
      const name = `${selector}._domainkey.${domain}`;
      if (!isValidSelector(selector)) {
        return { selector, ...meta, name, rcode: 'ERROR', error: `"${selector}" is not a valid DKIM selector`, cnameChain: [], records: [], keys: [] };
      }
      const answer = await resolver.query(name, 'TXT');
      const records = txtOf(answer).filter(looksLikeDkimKey);
      return { selector, ...meta, name, rcode: answer.rcode, error: errorOf(answer), cnameChain: answer.cnameChain, records, keys: records.map(parseDkimKey) };
    }),
  );
}

async function dmarcAt(resolver: Resolver, domain: string): Promise<DmarcLookup> {
  const name = `_dmarc.${domain}`;
  const answer = await resolver.query(name, 'TXT');
  const txt = txtOf(answer);
  const records = txt.filter(isDmarcRecord);
  const nearMisses = txt.filter((t) => !isDmarcRecord(t) && looksLikeDmarc(t));
  return { name, rcode: answer.rcode, error: errorOf(answer), records, nearMisses, parsed: records.length === 1 ? parseDmarc(records[0]) : undefined };
}

async function gatherDmarc(resolver: Resolver, domain: string): Promise<DmarcEvidence> {
  const own = await dmarcAt(resolver, domain);
  const evidence: DmarcEvidence = { own, external: [] };
  let effective = own;
  if (own.records.length === 0 && own.nearMisses.length === 0 && own.rcode !== 'TIMEOUT' && own.rcode !== 'SERVFAIL') {
    const { apex } = await findZoneApex(resolver, domain);
    if (apex && apex !== domain) {
      const org = await dmarcAt(resolver, apex);
      evidence.organisational = { ...org, domain: apex };
      effective = org;
    }
  }
  const policyDomain = evidence.organisational && effective === evidence.organisational ? evidence.organisational.domain : domain;
  const uris = [...(effective.parsed?.rua ?? []), ...(effective.parsed?.ruf ?? [])];
  const seen = new Set<string>();
  for (const uri of uris) {
    if (!uri.domain || seen.has(uri.domain)) continue;
    seen.add(uri.domain);
    // Reports to another organisation need its consent: <domain>._report._dmarc.<their domain> (RFC 7489 §7.1).
    if (uri.domain === policyDomain || uri.domain.endsWith('.' + policyDomain) || policyDomain.endsWith('.' + uri.domain)) continue;
    const name = `${policyDomain}._report._dmarc.${uri.domain}`;
    const answer = await resolver.query(name, 'TXT');
    const records = txtOf(answer);
    evidence.external.push({ uri: uri.raw, reportDomain: uri.domain, name, rcode: answer.rcode, records, authorised: records.some((r) => /^v\s*=\s*DMARC1\s*(;|$)/.test(r)) });
  }
  return evidence;
}

async function gatherSts<T>(resolver: Resolver, name: string, prefix: RegExp, parse: (s: string) => T): Promise<StsEvidence<T>> {
  const answer = await resolver.query(name, 'TXT');
  const records = txtOf(answer).filter((t) => prefix.test(t));
  return { name, rcode: answer.rcode, records, parsed: records.length === 1 ? parse(records[0]!) : undefined };
}

/**
 * The whole mail setup of one domain: MX, SPF (with its include tree), DKIM keys at the configured and
 * common selectors, DMARC (with the organisational fallback and external report authorisations),
 * MTA-STS and TLS-RPT. The `domain` command calls this directly.
 */
export async function mailEvidence(resolver: Resolver, domain: string, selectors: string[] = [], opts: { mailExpected?: boolean } = {}): Promise<MailEvidence> {
  const d = normalizeName(domain);
  const [mx, spf, dkim, dmarc, mtaSts, tlsRpt] = await Promise.all([
    gatherMx(resolver, d),
    analyzeSpf(resolver, d),
    gatherDkim(resolver, d, selectors),
    gatherDmarc(resolver, d),
    gatherSts(resolver, `_mta-sts.${d}`, /^v\s*=\s*STSv1/i, parseMtaSts),
    gatherSts(resolver, `_smtp._tls.${d}`, /^v\s*=\s*TLSRPTv1/i, parseTlsRpt),
  ]);
  return { domain: d, mailExpected: opts.mailExpected ?? true, configuredSelectors: selectors, mx, spf, dkim, dmarc, mtaSts, tlsRpt };
}

/** The mail domain of a run: `mail.domain` from the config, else the first configured domain's zone apex. */
export async function mailDomainOf(ctx: GatherContext, resolver: Resolver): Promise<{ domain: string; expected: boolean; selectors: string[] }> {
  const mail = ctx.config.mail;
  if (mail?.domain) return { domain: normalizeName(mail.domain), expected: true, selectors: mail.dkimSelectors ?? [] };
  const first = ctx.config.domains[0];
  if (!first) throw new NotApplicable('no mail domain: set mail.domain (or domains) in launchready.yml');
  const { apex } = await findZoneApex(resolver, first);
  return { domain: apex ?? normalizeName(first), expected: false, selectors: [] };
}

export const mailGatherer = defineGatherer<MailEvidence>({
  id: 'email/mail-evidence',
  async gather(ctx) {
    const resolver = resolverFor(ctx);
    const { domain, expected, selectors } = await mailDomainOf(ctx, resolver);
    return mailEvidence(resolver, domain, selectors, { mailExpected: expected });
  },
});
