import { isIP } from 'node:net';

/**
 * curl's --resolve HOST:PORT:ADDRESS (the port stays) and --connect-to HOST:PORT:HOST2:PORT2
 * (host and port both change, the TLS name stays the original host). Empty HOST or PORT in
 * --connect-to means "any", as in curl.
 */
export interface ConnectOverride {
  host: string; // '' = any
  port: number | undefined; // undefined = any
  toHost: string;
  toPort: number | undefined; // undefined = keep
  source: string;
}

export class OverrideSyntaxError extends Error {
  constructor(flag: string, value: string, expected: string) {
    super(`${flag} ${JSON.stringify(value)}: expected ${expected}`);
    this.name = 'OverrideSyntaxError';
  }
}

function splitHostPort(s: string): string[] {
  // Bracketed IPv6 literals may contain ':'; split on the colons outside brackets.
  const parts: string[] = [];
  let cur = '';
  let depth = 0;
  for (const ch of s) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ':' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.replace(/^\[|\]$/g, ''));
}

/** Length of the raw text of the `index`-th part and everything after it (colons outside brackets split). */
function rawLength(s: string, index: number): number {
  let depth = 0;
  let part = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ':' && depth === 0 && ++part === index) return s.length - i - 1;
  }
  return s.length;
}

function parsePort(flag: string, value: string, p: string, allowEmpty: boolean): number | undefined {
  if (p === '' && allowEmpty) return undefined;
  const n = Number(p);
  if (!/^\d+$/.test(p) || n < 1 || n > 65535) throw new OverrideSyntaxError(flag, value, `a port from 1 to 65535, got "${p}"`);
  return n;
}

export function parseResolve(value: string): ConnectOverride {
  const parts = splitHostPort(value);
  if (parts.length !== 3 || !parts[0]) throw new OverrideSyntaxError('--resolve', value, 'HOST:PORT:ADDRESS, e.g. app.example.com:443:127.0.0.1');
  const address = parts[2]!;
  // The raw address: IPv4 as is, IPv6 only inside balanced brackets ([::1]).
  const rawAddress = value.slice(value.length - rawLength(value, 2));
  const bracketed = /^\[([^\]]*)\]$/.exec(rawAddress);
  if (bracketed ? isIP(bracketed[1]!) !== 6 : isIP(address) !== 4 || /[[\]]/.test(rawAddress))
    throw new OverrideSyntaxError('--resolve', value, `an IPv4 address or a bracketed IPv6 address ([::1]) after the port, got "${rawAddress}"`);
  return { host: parts[0].toLowerCase(), port: parsePort('--resolve', value, parts[1]!, false), toHost: address, toPort: undefined, source: `--resolve ${value}` };
}

export function parseConnectTo(value: string): ConnectOverride {
  const parts = splitHostPort(value);
  if (parts.length !== 4 || !parts[2]) throw new OverrideSyntaxError('--connect-to', value, 'HOST:PORT:HOST2:PORT2, e.g. app.example.com:443:127.0.0.1:8443');
  return {
    host: parts[0]!.toLowerCase(),
    port: parsePort('--connect-to', value, parts[1]!, true),
    toHost: parts[2]!,
    toPort: parsePort('--connect-to', value, parts[3]!, true),
    source: `--connect-to ${value}`,
  };
}

/** The first matching override wins, --resolve entries before --connect-to, as in curl. */
export function applyOverrides(overrides: readonly ConnectOverride[], host: string, port: number): { host: string; port: number; via?: string } {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  for (const o of overrides) {
    if ((o.host === '' || o.host === h) && (o.port === undefined || o.port === port)) {
      return { host: o.toHost, port: o.toPort ?? port, via: o.source };
    }
  }
  return { host: h, port };
}
