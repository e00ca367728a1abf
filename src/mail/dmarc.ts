import { parseTagList } from './taglist.js';

/** DMARC policy records (RFC 7489 §6.3, plus np/psd/t from DMARCbis). Parsing never throws. */

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export interface DmarcUri {
  raw: string;
  /** Lower-cased scheme, e.g. "mailto". */
  scheme: string;
  /** mailto: the address; its domain decides whether an authorisation record is needed. */
  address?: string;
  domain?: string;
  /** "!10m" size limit, as written. */
  size?: string;
  error?: string;
}

export interface DmarcRecord {
  ok: boolean;
  errors: string[];
  warnings: string[];
  /** Every tag as written. */
  tags: Record<string, string>;
  policy?: DmarcPolicy;
  subdomainPolicy?: DmarcPolicy;
  /** np= (DMARCbis): policy for non-existent subdomains. */
  nonExistentPolicy?: DmarcPolicy;
  /** pct=, default 100. */
  pct: number;
  adkim: 'r' | 's';
  aspf: 'r' | 's';
  rua: DmarcUri[];
  ruf: DmarcUri[];
  fo: string[];
  /** ri=, seconds, default 86400. */
  ri: number;
  /** t=y (DMARCbis testing mode). */
  testing: boolean;
}

/** Exactly "v=DMARC1" first (RFC 7489 §6.4: the value must match precisely). */
export function isDmarcRecord(text: string): boolean {
  return /^v\s*=\s*DMARC1\s*(;|$)/.test(text);
}

/** Looks like it was meant to be DMARC but is spelled wrong ("v=dmarc1", "v = DMARC1 p=…"). */
export function looksLikeDmarc(text: string): boolean {
  return /^\s*v\s*=\s*dmarc/i.test(text);
}

const KNOWN = new Set(['v', 'p', 'sp', 'np', 'adkim', 'aspf', 'pct', 'rua', 'ruf', 'fo', 'rf', 'ri', 'psd', 't']);
const POLICIES: readonly string[] = ['none', 'quarantine', 'reject'];

export function parseDmarcUris(value: string, tag: string, errors: string[]): DmarcUri[] {
  return value
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '')
    .map((raw) => {
      const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*?)(?:!(\d+[kmgt]?))?$/i.exec(raw);
      if (!m) {
        const error = `${tag}: "${raw}" is not a URI (expected mailto:address@domain)`;
        errors.push(error);
        return { raw, scheme: '', error };
      }
      const uri: DmarcUri = { raw, scheme: m[1]!.toLowerCase(), size: m[3] };
      if (uri.scheme === 'mailto') {
        const address = decodeURIComponentSafe(m[2]!);
        const at = address.lastIndexOf('@');
        const domain = at > 0 ? address.slice(at + 1).toLowerCase() : '';
        if (at <= 0 || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) {
          uri.error = `${tag}: "${raw}" is not a valid mailto: address`;
          errors.push(uri.error);
        } else {
          uri.address = address;
          uri.domain = domain;
        }
      } else {
        uri.error = `${tag}: "${raw}": receivers only send reports to mailto: URIs`;
        errors.push(uri.error);
      }
      return uri;
    });
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function policyOf(tag: string, value: string | undefined, errors: string[]): DmarcPolicy | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (POLICIES.includes(v)) return v as DmarcPolicy;
  errors.push(`${tag}=${value}: must be none, quarantine or reject`);
  return undefined;
}

export function parseDmarc(input: unknown): DmarcRecord {
  const text = typeof input === 'string' ? input : '';
  const list = parseTagList(text);
  const errors = [...list.errors];
  const warnings: string[] = [];
  const tags: Record<string, string> = {};
  for (const t of list.tags) tags[t.name] = t.value;
  const rec: DmarcRecord = { ok: false, errors, warnings, tags, pct: 100, adkim: 'r', aspf: 'r', rua: [], ruf: [], fo: ['0'], ri: 86400, testing: false };

  if (list.tags[0]?.name !== 'v' || list.tags[0].value !== 'DMARC1') errors.push('the record must start with exactly "v=DMARC1"');
  for (const t of list.tags) if (!KNOWN.has(t.name)) warnings.push(`unknown tag "${t.name}" is ignored by receivers`);

  rec.policy = policyOf('p', list.map.get('p'), errors);
  if (!list.map.has('p')) errors.push('p= (the policy) is missing: receivers treat the record as p=none at best');
  rec.subdomainPolicy = policyOf('sp', list.map.get('sp'), errors);
  rec.nonExistentPolicy = policyOf('np', list.map.get('np'), errors);
  for (const tag of ['adkim', 'aspf'] as const) {
    const v = list.map.get(tag);
    if (v === undefined) continue;
    const l = v.toLowerCase();
    if (l === 'r' || l === 's') rec[tag] = l;
    else errors.push(`${tag}=${v}: must be r (relaxed) or s (strict)`);
  }
  const pct = list.map.get('pct');
  if (pct !== undefined) {
    if (/^\d{1,3}$/.test(pct) && Number(pct) <= 100) rec.pct = Number(pct);
    else errors.push(`pct=${pct}: must be a whole number from 0 to 100`);
  }
  const ri = list.map.get('ri');
  if (ri !== undefined) {
    if (/^\d{1,10}$/.test(ri) && Number(ri) <= 0xffffffff) rec.ri = Number(ri);
    else errors.push(`ri=${ri}: must be a number of seconds`);
  }
  const fo = list.map.get('fo');
  if (fo !== undefined) {
    rec.fo = fo.split(':').map((x) => x.trim().toLowerCase());
    const bad = rec.fo.filter((x) => !['0', '1', 'd', 's'].includes(x));
    if (bad.length) errors.push(`fo=${fo}: options are 0, 1, d and s, separated by ":"`);
  }
  const rf = list.map.get('rf');
  if (rf !== undefined && !rf.split(':').every((x) => ['afrf', 'iodef'].includes(x.trim().toLowerCase()))) errors.push(`rf=${rf}: must be afrf`);
  const t = list.map.get('t');
  if (t !== undefined) {
    if (t === 'y' || t === 'n') rec.testing = t === 'y';
    else errors.push(`t=${t}: must be y or n`);
  }
  const psd = list.map.get('psd');
  if (psd !== undefined && !['y', 'n', 'u'].includes(psd)) errors.push(`psd=${psd}: must be y, n or u`);
  const rua = list.map.get('rua');
  if (rua !== undefined) rec.rua = parseDmarcUris(rua, 'rua', errors);
  const ruf = list.map.get('ruf');
  if (ruf !== undefined) rec.ruf = parseDmarcUris(ruf, 'ruf', errors);
  rec.ok = errors.length === 0;
  return rec;
}
