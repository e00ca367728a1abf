/** IP address handling for SPF: strict RFC 7208 / RFC 4291 text forms, CIDR matching, reverse names. */

export interface IpAddress {
  family: 4 | 6;
  /** 4 or 16 bytes. */
  bytes: number[];
}

/** ip4-network per RFC 7208: four decimal octets, no leading zeros. */
export function parseIp4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** RFC 4291 §2.2 text forms: full, `::`-compressed, and with a trailing dotted IPv4. */
export function parseIp6(text: string): number[] | undefined {
  if (text.length === 0 || text.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseSide = (side: string, allowV4: boolean): number[] | undefined => {
    if (side === '') return [];
    const groups = side.split(':');
    const words: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (allowV4 && i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIp4(g);
        if (!v4) return undefined;
        words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
        words.push(parseInt(g, 16));
      }
    }
    return words;
  };
  let words: number[];
  if (halves.length === 2) {
    const head = parseSide(halves[0]!, false);
    const tail = parseSide(halves[1]!, true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    words = [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseSide(text, true);
    if (!all || all.length !== 8) return undefined;
    words = all;
  }
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

/**
 * The SMTP client address. IPv4-mapped IPv6 (::ffff:a.b.c.d) is IPv4 (RFC 7208 §5: "MUST be treated
 * as IPv4"). Lenient about leading zeros in IPv4 since this comes from the connection, not a record.
 */
export function parseClientIp(text: string): IpAddress | undefined {
  const t = text.trim().replace(/^\[|\]$/g, '');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(t)) {
    const parts = t.split('.').map(Number);
    if (parts.some((n) => n > 255)) return undefined;
    return { family: 4, bytes: parts };
  }
  const v6 = parseIp6(t);
  if (!v6) return undefined;
  if (v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff) return { family: 4, bytes: v6.slice(12) };
  return { family: 6, bytes: v6 };
}

export function inNetwork(ip: IpAddress, network: number[], prefix: number): boolean {
  if (network.length !== ip.bytes.length) return false;
  let bits = prefix;
  for (let i = 0; i < network.length && bits > 0; i++) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip.bytes[i]! & mask) !== (network[i]! & mask)) return false;
    bits -= 8;
  }
  return true;
}

/** Addresses as DNS returns them (A/AAAA text), parsed leniently. */
export function parseAnswerAddress(text: string): number[] | undefined {
  const ip = parseClientIp(text);
  if (!ip) return undefined;
  return ip.bytes;
}

/** %{c}: IPv4 dotted quad, IPv6 in RFC 5952 form (lower case, longest zero run compressed). */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return ip.bytes.join('.');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((ip.bytes[i]! << 8) | ip.bytes[i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** %{i}: dotted quad, or 32 dot-separated nibbles for IPv6 (RFC 7208 §7.3). */
export function dottedIp(ip: IpAddress): string {
  if (ip.family === 4) return ip.bytes.join('.');
  return ip.bytes.flatMap((b) => [(b >> 4).toString(16), (b & 0xf).toString(16)]).join('.');
}

/** The PTR query name: 4.3.2.1.in-addr.arpa or the nibble form under ip6.arpa. */
export function reverseName(ip: IpAddress): string {
  return `${dottedIp(ip).split('.').reverse().join('.')}.${ip.family === 4 ? 'in-addr' : 'ip6'}.arpa`;
}
