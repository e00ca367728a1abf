/**
 * The resolver's vocabulary. DNS failures are values, never exceptions: a check must be able to say
 * "this record answers SERVFAIL" or "this name timed out", which an exception would blur.
 */

export const QUERY_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'CAA', 'PTR', 'SPF', 'SOA'] as const;
export type DnsQueryType = (typeof QUERY_TYPES)[number];

/**
 * Real RCODEs as the server sent them, plus two of our own: `TIMEOUT` (no valid answer before the
 * deadline, after every retry) and `ERROR` (no usable answer for another reason: the loopback guard,
 * a malformed reply, no server configured). Both come with `error`.
 */
export type DnsRcode =
  | 'NOERROR'
  | 'FORMERR'
  | 'SERVFAIL'
  | 'NXDOMAIN'
  | 'NOTIMP'
  | 'REFUSED'
  | 'YXDOMAIN'
  | 'YXRRSET'
  | 'NXRRSET'
  | 'NOTAUTH'
  | 'NOTZONE'
  | 'TIMEOUT'
  | 'ERROR'
  | `RCODE_${number}`;

export type DnsErrorKind = 'timeout' | 'network' | 'malformed' | 'guard' | 'no-server' | 'bad-name' | 'aborted';

export interface DnsError {
  kind: DnsErrorKind;
  message: string;
}

export interface MxData {
  preference: number;
  /** Exchange host without the trailing dot; `.` for the null MX (RFC 7505). */
  exchange: string;
}

export interface CaaData {
  flags: number;
  /** Lower-cased tag: issue, issuewild, iodef, issuemail, … */
  tag: string;
  value: string;
}

export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export type DnsRecord =
  | { type: 'A' | 'AAAA' | 'CNAME' | 'NS' | 'PTR'; name: string; ttl: number; data: string }
  /** TXT and SPF: the record's character-strings joined with no separator (RFC 7208 §3.3); `chunks` keeps them apart. */
  | { type: 'TXT' | 'SPF'; name: string; ttl: number; data: string; chunks: string[] }
  | { type: 'MX'; name: string; ttl: number; data: MxData }
  | { type: 'CAA'; name: string; ttl: number; data: CaaData }
  | { type: 'SOA'; name: string; ttl: number; data: SoaData };

export interface DnsAnswer {
  /** The name asked for (lower case, no trailing dot). */
  name: string;
  type: DnsQueryType;
  rcode: DnsRcode;
  /** Records of the asked type at the end of the CNAME chain (or the CNAME itself for type CNAME). */
  records: DnsRecord[];
  /** CNAME targets followed from `name`, in order. Empty when the name is not an alias. */
  cnameChain: string[];
  /** SOA records from the authority section (they name the zone on NXDOMAIN / no-data answers). */
  authority: DnsRecord[];
  /** `host:port` of the server that answered, `override` for --resolve, `none` when nobody did. */
  server: string;
  elapsedMs: number;
  /** Whether the answer came over TCP after a truncated UDP reply. */
  tcp?: boolean;
  /** Present whenever rcode is TIMEOUT or ERROR. */
  error?: DnsError;
}

export interface Resolver {
  query(name: string, type: DnsQueryType): Promise<DnsAnswer>;
  /**
   * Addresses of a host for connecting: --resolve overrides first, IP literals as they are, then A and
   * AAAA. Resolves to [] when the name has no address; rejects with DnsLookupError when DNS is broken.
   */
  lookup(host: string): Promise<Array<{ address: string; family: 4 | 6 }>>;
}

export class DnsLookupError extends Error {
  constructor(
    public readonly host: string,
    public readonly code: DnsRcode,
    message: string,
  ) {
    super(message);
    this.name = 'DnsLookupError';
  }
}

export interface DnsServerAddress {
  host: string;
  port: number;
}

/** The answer rcode was NOERROR or NXDOMAIN: the name's state is known (as opposed to broken DNS). */
export function isDefinitive(answer: DnsAnswer): boolean {
  return answer.rcode === 'NOERROR' || answer.rcode === 'NXDOMAIN';
}

export function txtOf(answer: DnsAnswer): string[] {
  return answer.records.flatMap((r) => (r.type === 'TXT' || r.type === 'SPF' ? [r.data] : []));
}

export function addressesOf(answer: DnsAnswer): string[] {
  return answer.records.flatMap((r) => (r.type === 'A' || r.type === 'AAAA' ? [r.data] : []));
}

export function mxOf(answer: DnsAnswer): MxData[] {
  return answer.records.flatMap((r) => (r.type === 'MX' ? [r.data] : []));
}

export function namesOf(answer: DnsAnswer): string[] {
  return answer.records.flatMap((r) => (r.type === 'NS' || r.type === 'PTR' || r.type === 'CNAME' ? [r.data] : []));
}

export function caaOf(answer: DnsAnswer): CaaData[] {
  return answer.records.flatMap((r) => (r.type === 'CAA' ? [r.data] : []));
}

/** "example.com TXT → NXDOMAIN" style one-liner for evidence. */
export function describeAnswer(answer: DnsAnswer): string {
  const head = `${answer.name} ${answer.type}`;
  const chain = answer.cnameChain.length ? ` (CNAME → ${answer.cnameChain.join(' → ')})` : '';
  if (answer.rcode !== 'NOERROR') return `${head}${chain} → ${answer.rcode}${answer.error ? ` (${answer.error.message})` : ''}`;
  if (answer.records.length === 0) return `${head}${chain} → no ${answer.type} record (NOERROR, no data)`;
  return `${head}${chain} → ${answer.records.map(formatRecordData).join(' | ')}`;
}

export function formatRecordData(r: DnsRecord): string {
  switch (r.type) {
    case 'MX':
      return `${r.data.preference} ${r.data.exchange === '.' ? '.' : r.data.exchange + '.'}`;
    case 'CAA':
      return `${r.data.flags} ${r.data.tag} "${r.data.value}"`;
    case 'SOA':
      return `${r.data.mname}. ${r.data.rname}. ${r.data.serial}`;
    case 'TXT':
    case 'SPF':
      return JSON.stringify(r.data);
    default:
      return r.data;
  }
}

/** Lower case, no trailing dot: the one spelling names are compared in. */
export function normalizeName(name: string): string {
  const n = name.trim().toLowerCase();
  return n.length > 1 && n.endsWith('.') ? n.slice(0, -1) : n;
}
