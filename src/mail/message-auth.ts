/**
 * Deliverability as receivers see it: one saved message (.eml) authenticated the way a receiving
 * server does — SPF for the connecting IP taken from the Received chain, every DKIM signature, DMARC
 * alignment, and the ARC chain when a forwarder sealed one — with mailauth's `authenticate()` asking
 * launchready's own resolver (so `--dns`, the loopback guard and timeouts apply).
 */
import { isIP } from 'node:net';
import type { DnsAnswer, Resolver } from '../net/dns/types.js';

export interface ReceivedHop {
  /** 0 = the topmost (newest) Received header. */
  index: number;
  helo?: string;
  ip?: string;
  by?: string;
  raw: string;
}

export interface MessageAuthInput {
  raw: Buffer;
  /** The connecting IP and HELO when known (flags); otherwise read from the Received chain. */
  ip?: string;
  helo?: string;
  /** MAIL FROM; default: the Return-Path header. */
  sender?: string;
  /** Name of the receiving server in the results. */
  mta?: string;
}

export interface DkimSignatureResult {
  domain: string;
  selector: string;
  result: string;
  /** The signing domain aligns with the From domain (DMARC). */
  aligned: boolean;
  comment?: string;
  algorithm?: string;
  bits?: number;
}

export interface MessageAuthEvidence {
  from?: string;
  fromDomain?: string;
  subject?: string;
  sender?: string;
  /** Where the connecting IP came from. */
  hop: { ip?: string; helo?: string; source: 'flag' | 'received' | 'none'; hopIndex?: number; skipped: ReceivedHop[] };
  hops: ReceivedHop[];
  spf: { result: string; domain?: string; comment?: string; aligned: boolean };
  dkim: DkimSignatureResult[];
  dmarc: { result: string; policy?: string; domain?: string; comment?: string; alignedBy: string[] };
  arc?: { result: string; instance?: number; comment?: string; sealers: string[] };
  /** DNS lookups that failed (name, type, rcode): the results above may be temperror because of them. */
  dnsFailures: string[];
}

/** Received headers, newest first, unfolded, with the HELO name and the IP of the host that connected. */
export function receivedHops(raw: Buffer): ReceivedHop[] {
  const end = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  const head = raw.subarray(0, end < 0 ? raw.length : end).toString('latin1').replace(/\r\n/g, '\n');
  const hops: ReceivedHop[] = [];
  const fields = head.split(/\n(?![ \t])/);
  for (const f of fields) {
    const m = /^received:\s*([\s\S]*)$/i.exec(f);
    if (!m) continue;
    const value = m[1]!.replace(/\n[ \t]+/g, ' ').trim();
    const from = /^from\s+(\S+)\s*(\(([^)]*)\))?/i.exec(value);
    const inParens = from?.[3] ?? '';
    const ipText = /\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]/.exec(inParens)?.[1] ?? /\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]/.exec(value.split(/\sby\s/i)[0] ?? '')?.[1];
    const ip = ipText && isIP(ipText) ? ipText : undefined;
    const by = /\sby\s+(\S+)/i.exec(value)?.[1];
    hops.push({ index: hops.length, ...(from ? { helo: from[1]!.replace(/[()]/g, '') } : {}), ...(ip ? { ip } : {}), ...(by ? { by } : {}), raw: value.slice(0, 300) });
  }
  return hops;
}

/** Loopback, private, link-local, CGNAT and unique-local addresses: hops inside one provider. */
export function isInternalAddress(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a = 0, b = 0] = ip.split('.').map(Number);
    return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127) || a === 0;
  }
  const l = ip.toLowerCase();
  return l === '::1' || l.startsWith('fc') || l.startsWith('fd') || l.startsWith('fe80') || l.startsWith('::ffff:127.') || l.startsWith('::ffff:10.') || l.startsWith('::ffff:192.168.');
}

/**
 * The hop where the message entered the receiving side: the newest Received header naming a
 * non-internal client address (the newer ones are the mailbox provider's own relays).
 */
export function connectingHop(hops: ReceivedHop[]): { hop?: ReceivedHop; skipped: ReceivedHop[] } {
  const skipped: ReceivedHop[] = [];
  for (const h of hops) {
    if (h.ip && !isInternalAddress(h.ip)) return { hop: h, skipped };
    skipped.push(h);
  }
  return { skipped };
}

class ResolveError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type MailauthResolver = (name: string, type: string) => Promise<unknown>;

/** launchready's resolver behind the `dns.promises.resolve(name, type)` shape mailauth expects. */
export function mailauthResolver(resolver: Resolver, failures: string[]): MailauthResolver {
  return async (name: string, type: string): Promise<unknown> => {
    const t = type.toUpperCase();
    if (!['A', 'AAAA', 'TXT', 'MX', 'PTR', 'CNAME', 'NS'].includes(t)) throw new ResolveError('ENOTIMP', `${t} lookups are not supported`);
    const answer: DnsAnswer = await resolver.query(name, t as 'A');
    if (answer.rcode === 'NXDOMAIN') throw new ResolveError('ENOTFOUND', `${name} ${t}: NXDOMAIN`);
    if (answer.rcode !== 'NOERROR') {
      failures.push(`${name} ${t} → ${answer.rcode}${answer.error ? `: ${answer.error.message}` : ''}`);
      throw new ResolveError(answer.rcode === 'SERVFAIL' ? 'ESERVFAIL' : answer.rcode === 'REFUSED' ? 'EREFUSED' : 'ETIMEOUT', `${name} ${t}: ${answer.rcode}`);
    }
    const records = answer.records.filter((r) => r.type === t);
    if (records.length === 0) throw new ResolveError('ENODATA', `${name} ${t}: no data`);
    switch (t) {
      case 'TXT':
        return records.map((r) => (r.type === 'TXT' ? r.chunks : []));
      case 'MX':
        return records.map((r) => (r.type === 'MX' ? { exchange: r.data.exchange, priority: r.data.preference } : undefined));
      default:
        return records.map((r) => r.data);
    }
  };
}

function domainOf(address: string | undefined): string | undefined {
  const m = /@([^@>\s]+)>?\s*$/.exec(address ?? '');
  return m?.[1]?.toLowerCase();
}

function headerValue(raw: Buffer, name: string): string | undefined {
  const end = raw.indexOf('\n\n') >= 0 || raw.indexOf('\r\n\r\n') >= 0 ? Math.min(...[raw.indexOf('\r\n\r\n'), raw.indexOf('\n\n')].filter((i) => i >= 0)) : raw.length;
  const head = raw.subarray(0, end).toString('utf8').replace(/\r\n/g, '\n');
  const m = new RegExp(`^${name}:[ \\t]*(.*(?:\\n[ \\t].*)*)`, 'im').exec(head);
  return m?.[1]?.replace(/\n[ \t]+/g, ' ').trim();
}

/** Organisational-domain alignment (relaxed): same domain, or one a subdomain of the other's apex. */
function relaxedAligned(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const apex = (d: string) => d.split('.').slice(-2).join('.');
  return x === y || apex(x) === apex(y);
}

interface MailauthDkimResult {
  signingDomain?: string;
  selector?: string;
  algo?: string;
  modulusLength?: number;
  status?: { result?: string; comment?: string | false; aligned?: string | false };
}

/** Authenticates one message. Throws only on input that is not a message at all. */
export async function authenticateMessage(input: MessageAuthInput, resolver: Resolver): Promise<MessageAuthEvidence> {
  const { authenticate } = await import('mailauth');
  const hops = receivedHops(input.raw);
  let hop: MessageAuthEvidence['hop'];
  if (input.ip) hop = { ip: input.ip, ...(input.helo ? { helo: input.helo } : {}), source: 'flag', skipped: [] };
  else {
    const found = connectingHop(hops);
    hop = found.hop
      ? { ip: found.hop.ip, ...(input.helo ?? found.hop.helo ? { helo: input.helo ?? found.hop.helo } : {}), source: 'received', hopIndex: found.hop.index, skipped: found.skipped }
      : { source: 'none', skipped: found.skipped };
  }
  const failures: string[] = [];
  const from = headerValue(input.raw, 'from');
  const fromDomain = domainOf(from);
  const returnPath = headerValue(input.raw, 'return-path');
  const sender = input.sender ?? (returnPath ? returnPath.replace(/^<|>$/g, '') : undefined);
  const res = (await authenticate(input.raw, {
    ...(hop.ip ? { ip: hop.ip } : {}),
    ...(hop.helo ? { helo: hop.helo } : {}),
    ...(sender ? { sender } : {}),
    mta: input.mta ?? 'launchready.mail-check',
    resolver: mailauthResolver(resolver, failures) as never,
    disableBimi: true,
    trustReceived: false,
  })) as unknown as {
    spf?: { status?: { result?: string; comment?: string }; domain?: string } | false;
    dkim?: { results?: MailauthDkimResult[] };
    dmarc?: { status?: { result?: string; comment?: string }; policy?: string; domain?: string; alignment?: { spf?: { result?: string | false }; dkim?: { result?: string | false } } } | false;
    arc?: { status?: { result?: string; comment?: string }; i?: number; signature?: { signingDomain?: string }; authenticationResults?: unknown } | false;
  };
  const spfDomain = res.spf ? res.spf.domain : domainOf(sender);
  const dkim: DkimSignatureResult[] = (res.dkim?.results ?? [])
    .filter((r) => r.signingDomain || r.status?.result !== 'none')
    .map((r) => ({
      domain: r.signingDomain ?? '',
      selector: r.selector ?? '',
      result: r.status?.result ?? 'none',
      aligned: Boolean(r.status?.aligned) || relaxedAligned(r.signingDomain, fromDomain),
      ...(r.status?.comment ? { comment: String(r.status.comment) } : {}),
      ...(r.algo ? { algorithm: r.algo } : {}),
      ...(r.modulusLength ? { bits: r.modulusLength } : {}),
    }));
  const dmarc = res.dmarc || undefined;
  const alignedBy: string[] = [];
  if (dmarc && dmarc.alignment?.spf?.result) alignedBy.push(`SPF (${dmarc.alignment.spf.result})`);
  if (dmarc && dmarc.alignment?.dkim?.result) alignedBy.push(`DKIM (${dmarc.alignment.dkim.result})`);
  const arcHeaders = /^arc-seal:/im.test(input.raw.subarray(0, 65536).toString('latin1'));
  const sealers = [...input.raw.subarray(0, 65536).toString('latin1').matchAll(/^ARC-Seal:[^\n]*(?:\n[ \t][^\n]*)*/gim)].map((m) => /\bd=([^;\s]+)/.exec(m[0])?.[1] ?? '?');
  return {
    ...(from ? { from } : {}),
    ...(fromDomain ? { fromDomain } : {}),
    ...(headerValue(input.raw, 'subject') ? { subject: headerValue(input.raw, 'subject')! } : {}),
    ...(sender ? { sender } : {}),
    hop,
    hops,
    spf: { result: res.spf ? (res.spf.status?.result ?? 'none') : 'none', ...(spfDomain ? { domain: spfDomain } : {}), ...(res.spf && res.spf.status?.comment ? { comment: res.spf.status.comment } : {}), aligned: relaxedAligned(spfDomain, fromDomain) },
    dkim,
    dmarc: { result: dmarc ? (dmarc.status?.result ?? 'none') : 'none', ...(dmarc && dmarc.policy ? { policy: dmarc.policy } : {}), ...(dmarc && dmarc.domain ? { domain: dmarc.domain } : {}), ...(dmarc && dmarc.status?.comment ? { comment: dmarc.status.comment } : {}), alignedBy },
    ...(arcHeaders && res.arc ? { arc: { result: res.arc.status?.result ?? 'none', ...(res.arc.i ? { instance: res.arc.i } : {}), ...(res.arc.status?.comment ? { comment: res.arc.status.comment } : {}), sealers } } : {}),
    dnsFailures: failures,
  };
}
