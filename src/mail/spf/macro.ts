import { dottedIp, formatIp, type IpAddress } from './ip.js';

/** RFC 7208 §7: macro strings, as parsed parts (parsing never throws) and their expansion. */

export const MACRO_LETTERS = ['s', 'l', 'o', 'd', 'i', 'p', 'h', 'c', 'r', 't', 'v'] as const;
export type MacroLetter = (typeof MACRO_LETTERS)[number];
/** Allowed only in explanation text (§7.3). */
const EXP_ONLY: readonly string[] = ['c', 'r', 't'];

export type MacroPart =
  | { kind: 'literal'; text: string }
  /** %% %_ %- */
  | { kind: 'escape'; text: string }
  | { kind: 'macro'; letter: MacroLetter; upper: boolean; digits?: number; reverse: boolean; delimiters: string; source: string };

export type MacroParse = { ok: true; parts: MacroPart[] } | { ok: false; error: string };

/**
 * `domain`: a domain-spec (no c/r/t); `explain`: explanation text (spaces and c/r/t allowed);
 * `modifier`: the value of an unknown modifier.
 */
export type MacroMode = 'domain' | 'explain' | 'modifier';

function isLiteralChar(code: number, mode: MacroMode): boolean {
  if (code === 0x20) return mode === 'explain';
  return code >= 0x21 && code <= 0x7e && code !== 0x25;
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  return code >= 0x21 && code <= 0x7e ? `"${ch}"` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function parseMacroString(text: string, mode: MacroMode): MacroParse {
  const parts: MacroPart[] = [];
  let literal = '';
  const flush = () => {
    if (literal) parts.push({ kind: 'literal', text: literal });
    literal = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== '%') {
      if (!isLiteralChar(ch.charCodeAt(0), mode)) return { ok: false, error: `character ${describeChar(ch)} is not allowed here (only visible ASCII${mode === 'explain' ? ' and spaces' : ''})` };
      literal += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '%' || next === '_' || next === '-') {
      flush();
      parts.push({ kind: 'escape', text: next === '%' ? '%' : next === '_' ? ' ' : '%20' });
      i += 2;
      continue;
    }
    if (next !== '{') return { ok: false, error: `"%" must start a macro (%{…}) or be escaped as %%; found "%${next ?? ''}"` };
    const m = /^%\{([A-Za-z])(\d*)([rR]?)([.\-+,/_=]*)\}/.exec(text.slice(i));
    if (!m) return { ok: false, error: `malformed macro "${text.slice(i, i + 12)}": expected %{letter[digits][r][delimiters]}` };
    const letter = m[1]!.toLowerCase();
    if (!(MACRO_LETTERS as readonly string[]).includes(letter)) return { ok: false, error: `unknown macro letter "${m[1]}" in "${m[0]}"` };
    if (mode === 'domain' && EXP_ONLY.includes(letter)) return { ok: false, error: `macro "${m[0]}" is allowed only in explanation text` };
    let digits: number | undefined;
    if (m[2]) {
      digits = Number(m[2]);
      if (digits === 0) return { ok: false, error: `macro "${m[0]}": the number of parts must be nonzero` };
    }
    flush();
    parts.push({ kind: 'macro', letter: letter as MacroLetter, upper: m[1] !== letter, digits, reverse: m[3] !== '', delimiters: m[4] || '.', source: m[0] });
    i += m[0].length;
  }
  flush();
  return { ok: true, parts };
}

const TOPLABEL = /^(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9])$/;

/** domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand (RFC 7208 §7.1). */
export function parseDomainSpec(text: string): MacroParse {
  if (text === '') return { ok: false, error: 'the domain is empty' };
  const parsed = parseMacroString(text, 'domain');
  if (!parsed.ok) return parsed;
  const last = parsed.parts.at(-1)!;
  if (last.kind !== 'literal') return parsed;
  const m = /\.([^.]*)\.?$/.exec(last.text);
  if (!m) return { ok: false, error: `"${text}" does not end in a top-level label such as ".com"` };
  if (!TOPLABEL.test(m[1]!)) return { ok: false, error: `"${m[1]}" is not a valid top-level label (letters, digits and inner hyphens, not all digits)` };
  return parsed;
}

export interface MacroValues {
  /** <sender>: local-part@domain. */
  sender: string;
  local: string;
  senderDomain: string;
  /** <domain> of the current check_host(). */
  domain: string;
  ip: IpAddress;
  helo: string;
  /** %{r}: the receiving host's name. */
  receiver: string;
  now: Date;
  /** %{p}: computed only when used (it costs DNS lookups). */
  validatedName: () => Promise<string>;
}

/** URL escaping for upper-case macros: everything outside RFC 3986 "unreserved". */
function urlEscape(s: string): string {
  return Array.from(Buffer.from(s, 'utf8'))
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

async function letterValue(letter: MacroLetter, v: MacroValues): Promise<string> {
  switch (letter) {
    case 's':
      return v.sender;
    case 'l':
      return v.local;
    case 'o':
      return v.senderDomain;
    case 'd':
      return v.domain;
    case 'i':
      return dottedIp(v.ip);
    case 'p':
      return v.validatedName();
    case 'v':
      return v.ip.family === 4 ? 'in-addr' : 'ip6';
    case 'h':
      return v.helo;
    case 'c':
      return formatIp(v.ip);
    case 'r':
      return v.receiver;
    case 't':
      return String(Math.floor(v.now.getTime() / 1000));
  }
}

export async function expandMacroString(parts: MacroPart[], v: MacroValues): Promise<string> {
  let out = '';
  for (const part of parts) {
    if (part.kind !== 'macro') {
      out += part.text;
      continue;
    }
    const value = await letterValue(part.letter, v);
    const split = value.split(new RegExp(`[${part.delimiters.replace(/[-\\\]^/]/g, '\\$&')}]`));
    if (part.reverse) split.reverse();
    const kept = part.digits !== undefined && part.digits < split.length ? split.slice(split.length - part.digits) : split;
    const joined = kept.join('.');
    out += part.upper ? urlEscape(joined) : joined;
  }
  return out;
}

/** After expansion: drop one trailing dot, and keep the name within 253 characters by removing labels from the left (§5). */
export function toTargetName(expanded: string): string {
  let name = expanded.endsWith('.') ? expanded.slice(0, -1) : expanded;
  while (name.length > 253) {
    const dot = name.indexOf('.');
    if (dot < 0) break;
    name = name.slice(dot + 1);
  }
  return name;
}

/** A name that can be looked up: non-empty labels of at most 63 characters, at most 253 in all. */
export function isQueryableName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((l) => l.length > 0 && l.length <= 63);
}
