import { isIP } from 'node:net';
import type { Config } from '../config/schema.js';
import type { TargetInfo } from '../engine/context.js';

/**
 * The public hostnames a run looks at: the target's host and every configured domain. An apex and its
 * `www.` form are a pair when both are listed (`launchready domain example.com` lists both), and the
 * canonical-host check then wants one of them to redirect to the other.
 */

export interface PublicHost {
  host: string;
  /** The HTTPS port: the target URL's when it names one, else 443. */
  httpsPort: number;
  /** Where it came from, for evidence. */
  source: 'target' | 'domains';
}

export interface CanonicalPair {
  apex: string;
  www: string;
}

export function normalizeHost(raw: string): string {
  let h = raw.trim().toLowerCase();
  // Tolerate `https://example.com/` or `example.com:8443` in `domains:`.
  h = h.replace(/^[a-z]+:\/\//, '').replace(/[/?#].*$/, '');
  if (!h.startsWith('[') && (h.match(/:/g) ?? []).length === 1) h = h.replace(/:\d+$/, '');
  return h.replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

export function publicHostsOf(config: Config, target: TargetInfo): PublicHost[] {
  const out: PublicHost[] = [];
  const seen = new Set<string>();
  const base = target.baseUrl;
  if (base) {
    const host = normalizeHost(base.hostname);
    const port = base.protocol === 'https:' && base.port ? Number(base.port) : 443;
    out.push({ host, httpsPort: port, source: 'target' });
    seen.add(host);
  }
  for (const d of config.domains) {
    const host = normalizeHost(d);
    if (!host || seen.has(host)) continue;
    seen.add(host);
    out.push({ host, httpsPort: 443, source: 'domains' });
  }
  return out;
}

export function canonicalPairsOf(hosts: readonly PublicHost[]): CanonicalPair[] {
  const names = new Set(hosts.map((h) => h.host));
  const pairs: CanonicalPair[] = [];
  for (const name of names) {
    if (isIP(name) || name.startsWith('www.')) continue;
    if (names.has(`www.${name}`)) pairs.push({ apex: name, www: `www.${name}` });
  }
  return pairs;
}

/** `https://host/` with the port only when it is not the default. */
export function originUrl(scheme: 'http' | 'https', host: string, port?: number): string {
  const h = isIP(host) === 6 ? `[${host}]` : host;
  const def = scheme === 'https' ? 443 : 80;
  return `${scheme}://${h}${port && port !== def ? `:${port}` : ''}/`;
}
