import type { Config } from '../config/schema.js';
import type { RunOptions } from '../engine/context.js';
import type { RunResult } from '../engine/runner.js';
import type { Area } from '../model/area.js';
import { scorecardOf, type Report } from '../model/report.js';
import type { FailOn } from '../model/severity.js';
import { createResolver, parseDnsServer, resolveOverridesOf } from '../net/dns/index.js';
import type { HostResolver, HttpClient } from '../net/http.js';
import type { ConnectOverride } from '../net/overrides.js';
import { parseOverrides, readCaFile, reportOf, runHttpClient } from './audit.js';
import { UsageError } from './errors.js';

/**
 * One application layer for every command that runs checks (audit, domain, scan, load): the
 * connection rules (--resolve/--connect-to, --dns, --ca), the one HTTP client with the run's budget
 * and scope, the run options the checks see, and the report model of the finished run are built
 * here, once, the same way for each command.
 */
export interface CreateRunOptions {
  config: Config;
  /** Origins credentials may be sent to (the target's origin; none for scan). */
  scope: string[];
  /** --resolve HOST:PORT:ADDRESS, raw. */
  resolve?: string[];
  /** --connect-to HOST:PORT:HOST2:PORT2, raw. */
  connectTo?: string[];
  /** Already parsed overrides (used instead of resolve/connectTo). */
  overrides?: ConnectOverride[];
  /** --dns SERVER[:PORT], raw. */
  dns?: string;
  /** --dns, parsed. */
  dnsServers?: Array<{ host: string; port: number }>;
  /** A resolver the caller built (tests). Otherwise one is built when --dns is given. */
  resolver?: HostResolver;
  /** --ca FILE, or its contents. */
  caFile?: string;
  ca?: string;
  /** Flag overrides of the config's budget. */
  maxRequests?: number;
  maxRate?: number;
  timeoutMs?: number;
  userAgent?: string;
  signal?: AbortSignal;
  allowWrites?: boolean;
  seed?: number;
  now?: Date;
}

export interface ReportInput {
  /** What the report names as its target (URL, domain, directory). */
  target: string;
  failOn: FailOn;
  /** Asked-for areas that could not be tested (see untestedAskedAreas). */
  untested?: string[];
  /** The scorecard's rows (default: every area). */
  areas?: readonly Area[];
}

export interface Run {
  startedAt: Date;
  http: HttpClient;
  /** Set when --dns (or a caller's resolver) is in use: HTTP, TLS and the DNS checks all ask it. */
  resolver?: HostResolver;
  overrides: ConnectOverride[];
  dnsServers?: Array<{ host: string; port: number }>;
  ca?: string;
  /** What the checks see as ctx.options. */
  options: RunOptions;
  /** The report model of the finished run (verdict, score, scorecard, blockers, stats). */
  report(result: RunResult, input: ReportInput): Report;
  close(): Promise<void>;
}

/** Flag problems (--resolve, --dns, --ca) are UsageErrors, thrown before any traffic. */
export function createRun(opts: CreateRunOptions): Run {
  const startedAt = opts.now ?? new Date();
  const overrides = opts.overrides ?? parseOverrides(opts.resolve, opts.connectTo);
  let dnsServers = opts.dnsServers;
  if (!dnsServers && opts.dns) {
    try {
      dnsServers = [parseDnsServer(opts.dns)];
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const ca = opts.ca ?? (opts.caFile ? readCaFile(opts.caFile) : undefined);
  const resolver =
    opts.resolver ?? (dnsServers?.length ? createResolver({ servers: dnsServers, overrides: resolveOverridesOf({ overrides }), ...(opts.signal ? { signal: opts.signal } : {}) }) : undefined);
  const http = runHttpClient(opts.config, opts, { overrides, resolver, ca, scope: opts.scope });
  const options: RunOptions = {
    allowWrites: opts.allowWrites ?? false,
    seed: opts.seed ?? 1,
    overrides,
    ...(dnsServers ? { dnsServers } : {}),
    ...(ca ? { ca } : {}),
  };
  return {
    startedAt,
    http,
    ...(resolver ? { resolver } : {}),
    overrides,
    ...(dnsServers ? { dnsServers } : {}),
    ...(ca ? { ca } : {}),
    options,
    report(result, input) {
      const report = reportOf({ result, http, target: input.target, startedAt, failOn: input.failOn, untested: input.untested ?? [] });
      return input.areas ? { ...report, scorecard: scorecardOf(report.findings, input.areas) } : report;
    },
    close: () => http.close(),
  };
}
