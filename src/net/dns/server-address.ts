import { isIP } from 'node:net';
import type { DnsServerAddress } from './types.js';

export class DnsServerSyntaxError extends Error {
  constructor(
    public readonly flag: string,
    public readonly value: string,
    expected: string,
  ) {
    super(`${flag} ${JSON.stringify(value)}: expected ${expected}`);
    this.name = 'DnsServerSyntaxError';
  }
}

const EXPECTED = 'an IP address with an optional port, e.g. 1.1.1.1, 127.0.0.1:5353, ::1 or [::1]:5353';

/**
 * Parses `--dns SERVER[:PORT]`: `1.1.1.1`, `1.1.1.1:5353`, `::1`, `[::1]`, `[::1]:5353`. A server must be
 * an IP address: resolving the resolver's own name would need a resolver.
 */
export function parseDnsServer(value: string, flag = '--dns'): DnsServerAddress {
  const s = value.trim();
  if (s === '') throw new DnsServerSyntaxError(flag, value, EXPECTED);
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
    if (isIP(host) !== 6) throw new DnsServerSyntaxError(flag, value, `an IPv6 address inside [ ], got "${host}"`);
  } else if (isIP(s) === 6) {
    host = s;
  } else {
    const colon = s.lastIndexOf(':');
    if (colon >= 0 && s.indexOf(':') !== colon) {
      throw new DnsServerSyntaxError(flag, value, 'an IPv6 address with a port written as [ADDRESS]:PORT, e.g. [::1]:5353');
    }
    host = colon >= 0 ? s.slice(0, colon) : s;
    portText = colon >= 0 ? s.slice(colon + 1) : undefined;
    if (isIP(host) !== 4) throw new DnsServerSyntaxError(flag, value, `${EXPECTED}; "${host}" is not an IP address`);
  }
  let port = 53;
  if (portText !== undefined) {
    const n = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || n < 1 || n > 65535) {
      throw new DnsServerSyntaxError(flag, value, `a port from 1 to 65535, got "${portText}"`);
    }
    port = n;
  }
  return { host, port };
}

export function formatDnsServer(server: DnsServerAddress): string {
  return isIP(server.host) === 6 ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}
