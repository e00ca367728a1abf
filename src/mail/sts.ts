import { parseTagList } from './taglist.js';

/** MTA-STS (RFC 8461) and SMTP TLS Reporting (RFC 8460) DNS records. Parsing never throws. */

export interface MtaStsRecord {
  ok: boolean;
  errors: string[];
  id?: string;
}

export function parseMtaSts(input: unknown): MtaStsRecord {
  const text = typeof input === 'string' ? input : '';
  const list = parseTagList(text);
  const errors = [...list.errors];
  if (list.tags[0]?.name !== 'v' || list.tags[0].value !== 'STSv1') errors.push('must start with "v=STSv1"');
  const id = list.map.get('id');
  if (id === undefined) errors.push('id= is missing');
  else if (!/^[A-Za-z0-9]{1,32}$/.test(id)) errors.push(`id=${id}: 1 to 32 letters and digits`);
  return { ok: errors.length === 0, errors, id };
}

export interface TlsRptRecord {
  ok: boolean;
  errors: string[];
  rua: string[];
}

export function parseTlsRpt(input: unknown): TlsRptRecord {
  const text = typeof input === 'string' ? input : '';
  const list = parseTagList(text);
  const errors = [...list.errors];
  if (list.tags[0]?.name !== 'v' || list.tags[0].value !== 'TLSRPTv1') errors.push('must start with "v=TLSRPTv1"');
  const rua = (list.map.get('rua') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (rua.length === 0) errors.push('rua= (where reports go) is missing');
  for (const u of rua) if (!/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/i.test(u)) errors.push(`rua: "${u}" must be a mailto: or https: URI`);
  return { ok: errors.length === 0, errors, rua };
}
