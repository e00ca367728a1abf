import type { GatherContext } from '../../engine/context.js';
import type { ConnectOverride } from '../overrides.js';
import { createResolver, type ConfiguredResolver } from './resolver.js';
import type { DnsServerAddress, Resolver } from './types.js';

/** The option fields the resolver reads from a run (RunOptions); all optional. */
interface DnsRunOptions {
  dnsServers?: DnsServerAddress[];
  /** --resolve HOST:PORT:ADDRESS entries, as parsed by src/net/overrides.ts. */
  overrides?: ConnectOverride[];
  /** Alternative spelling: host → addresses. */
  resolveOverrides?: Map<string, string[]> | Record<string, string[]>;
  dnsTimeoutMs?: number;
}

const perRun = new WeakMap<object, ConfiguredResolver>();

/** --resolve entries (not --connect-to, which moves the connection but not the name) as host → addresses. */
export function resolveOverridesOf(options: DnsRunOptions): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const add = (host: string, address: string) => map.set(host.toLowerCase(), [...(map.get(host.toLowerCase()) ?? []), address]);
  for (const o of options.overrides ?? []) if (o.source.startsWith('--resolve') && o.host) add(o.host, o.toHost);
  const extra = options.resolveOverrides;
  if (extra) for (const [host, addrs] of extra instanceof Map ? extra : Object.entries(extra)) for (const a of addrs) add(host, a);
  return map;
}

/**
 * The run's resolver: `ctx.resolver` when the engine provides one, else one built from the run's
 * options (`dnsServers` from --dns, `overrides` from --resolve) and memoised per run.
 */
export function resolverFor(ctx: GatherContext): Resolver {
  const provided = ctx.services.resolver;
  if (provided && typeof (provided as Partial<Resolver>).query === 'function') return provided as Resolver;
  const key = ctx.options as object;
  let r = perRun.get(key);
  if (!r) {
    const options = ctx.options as unknown as DnsRunOptions;
    r = createResolver({
      servers: options.dnsServers,
      overrides: resolveOverridesOf(options),
      timeoutMs: options.dnsTimeoutMs,
      signal: ctx.signal,
    });
    perRun.set(key, r);
  }
  return r;
}
