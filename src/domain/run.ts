import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { untestedAskedAreas, UsageError } from '../app/audit.js';
import { createRun } from '../app/run.js';
import { allChecks } from '../checks/index.js';
import { ConfigSchema } from '../config/schema.js';
import type { Check } from '../engine/check.js';
import type { ProgressSink, TargetInfo } from '../engine/context.js';
import { runChecks } from '../engine/runner.js';
import type { Area } from '../model/area.js';
import type { Report } from '../model/report.js';
import type { FailOn } from '../model/severity.js';
import type { ConnectOverride } from '../net/overrides.js';

/**
 * `launchready domain DOMAIN`: DNS, redirects, TLS, the edge and mail authentication of one domain,
 * with no app configuration. The domain and its `www.` twin are both looked at, and every
 * public-hostname check runs whatever the names resolve to (the target is never "development").
 */

export interface DomainAuditOptions {
  /** `example.com` (a URL such as https://example.com/ is accepted and reduced to its host). */
  domain: string;
  /** --mail-domain; default: the apex of DOMAIN. */
  mailDomain?: string;
  /** --dkim-selector, repeatable. */
  dkimSelectors?: string[];
  /** --dns SERVER[:PORT], parsed. */
  dnsServers?: Array<{ host: string; port: number }>;
  /** --resolve HOST:PORT:ADDRESS, raw. */
  resolve?: string[];
  /** --connect-to HOST:PORT:HOST2:PORT2, raw. */
  connectTo?: string[];
  /** Already parsed overrides (used instead of resolve/connectTo when given). */
  overrides?: ConnectOverride[];
  /** --ca FILE. */
  caFile?: string;
  /** --ca contents (PEM), when the caller already read the file. */
  ca?: string;
  failOn: FailOn;
  timeoutMs?: number;
  maxRequests?: number;
  maxRate?: number;
  /** Also check `www.DOMAIN` (default true). */
  includeWww?: boolean;
  /** --host, repeatable: more hostnames to check (subdomains beyond the apex and www: shop.example.com). */
  hosts?: string[];
  env?: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  progress?: ProgressSink;
  /** Replaces the check selection (tests). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  checks?: Check<any>[];
  checkDeadlineMs?: number;
  runDeadlineMs?: number;
  now?: Date;
  seed?: number;
}

/** The areas a domain audit judges in full. */
export const DOMAIN_AREAS: readonly Area[] = ['domain-tls', 'email'];
/** Edge checks that need only the public landing page (no identities, no API surface). */
export const DOMAIN_EDGE_CHECKS: readonly string[] = ['edge/cdn', 'edge/security-headers', 'edge/version-banner'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function domainChecks(from: Check<any>[] = allChecks): Check<any>[] {
  return from.filter((c) => DOMAIN_AREAS.includes(c.meta.area) || DOMAIN_EDGE_CHECKS.includes(c.meta.id));
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * `example.com` from what the user typed; a UsageError (exit 2) for anything that is not a host name.
 * Internationalised names are converted to their ASCII (punycode) form: `bücher.example` →
 * `xn--bcher-kva.example`, the name DNS and certificates use.
 */
export function parseDomainArgument(raw: string, what = 'DOMAIN'): string {
  let s = raw.trim().toLowerCase();
  const notADomain = (): UsageError => new UsageError(`${what} ${JSON.stringify(raw)} is not a domain name (expected e.g. example.com)`);
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(s)) {
    try {
      s = new URL(s).hostname; // WHATWG URL already converts IDNs to punycode
    } catch {
      throw notADomain();
    }
  }
  s = s.replace(/\.$/, '');
  if (isIP(s) || isIP(s.replace(/^\[|\]$/g, ''))) throw new UsageError(`${what} ${JSON.stringify(raw)} is an IP address: give the domain name (example.com) and map it with --resolve example.com:443:${s.replace(/^\[|\]$/g, '')}`);
  if (/[^ -~]/.test(s)) {
    const ascii = domainToASCII(s);
    if (!ascii) throw notADomain();
    s = ascii;
  }
  const labels = s.split('.');
  if (s.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1]!)) throw notADomain();
  return s;
}

/** The apex and www names a domain audit looks at, the given name first. */
export function domainHosts(domain: string, includeWww = true): { hosts: string[]; apex: string } {
  if (domain.startsWith('www.') && domain.split('.').length > 2) {
    const apex = domain.slice(4);
    return { hosts: includeWww ? [domain, apex] : [domain], apex };
  }
  return { hosts: includeWww ? [domain, `www.${domain}`] : [domain], apex: domain };
}

export async function runDomainAudit(opts: DomainAuditOptions): Promise<Report> {
  const startedAt = opts.now ?? new Date();
  const domain = parseDomainArgument(opts.domain);
  const { hosts, apex } = domainHosts(domain, opts.includeWww ?? true);
  for (const h of opts.hosts ?? []) {
    const extra = parseDomainArgument(h, '--host');
    if (!hosts.includes(extra)) hosts.push(extra);
  }
  const mailDomain = opts.mailDomain ? parseDomainArgument(opts.mailDomain, '--mail-domain') : apex;
  const config = ConfigSchema.parse({
    target: `https://${domain}/`,
    domains: hosts,
    mail: { domain: mailDomain, dkimSelectors: opts.dkimSelectors ?? [] },
  });
  const target: TargetInfo = { baseUrl: new URL(`https://${domain}/`), isDevelopment: false };

  // One resolver for DNS checks, HTTP and TLS when --dns is given; otherwise connections use the
  // system resolver (as `audit` does) and the DNS checks build theirs from the run options.
  // Nothing credentialed is sent by a domain audit: the scope is the domain's own origins only.
  const run = createRun({
    config,
    scope: hosts.map((h) => `https://${h}`),
    ...(opts.overrides ? { overrides: opts.overrides } : {}),
    ...(opts.resolve ? { resolve: opts.resolve } : {}),
    ...(opts.connectTo ? { connectTo: opts.connectTo } : {}),
    ...(opts.dnsServers ? { dnsServers: opts.dnsServers } : {}),
    ...(opts.ca ? { ca: opts.ca } : opts.caFile ? { caFile: opts.caFile } : {}),
    ...(opts.maxRequests ? { maxRequests: opts.maxRequests } : {}),
    ...(opts.maxRate ? { maxRate: opts.maxRate } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    seed: opts.seed ?? 1,
    now: startedAt,
  });
  const { http, resolver } = run;
  const selected = opts.checks ?? domainChecks();
  try {
    const result = await runChecks({
      checks: selected,
      config,
      configDir: process.cwd(),
      target,
      http,
      options: run.options,
      env: opts.env ?? {},
      ...(opts.signal ? { signal: opts.signal } : {}),
      checkDeadlineMs: opts.checkDeadlineMs ?? 90_000,
      runDeadlineMs: opts.runDeadlineMs ?? config.budget.deadlineMs,
      ...(opts.progress ? { progress: opts.progress } : {}),
      now: startedAt,
      ...(resolver ? { services: { resolver } } : {}),
    });
    const areasRun = new Set(selected.map((c) => c.meta.area));
    // A domain audit judges only its own areas: an asked area it does not run is not "untested".
    return run.report(result, { target: domain, failOn: opts.failOn, untested: untestedAskedAreas(config, result.findings, areasRun, (area) => !areasRun.has(area)) });
  } finally {
    await run.close();
  }
}
