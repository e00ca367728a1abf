import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { ConfigError, loadConfigFile } from '../config/load.js';
import { ConfigSchema, type Config } from '../config/schema.js';
import type { Check } from '../engine/check.js';
import type { ProgressSink, TargetInfo } from '../engine/context.js';
import { runChecks, type RunResult } from '../engine/runner.js';
import type { Finding } from '../model/finding.js';
import { AREAS, type Area } from '../model/area.js';
import { coverageGapLine, coverageGaps, coverageOf, type Waiver } from '../model/coverage.js';
import { judge, scorecardOf, type Report } from '../model/report.js';
import type { FailOn } from '../model/severity.js';
import { HttpClient, type HostResolver } from '../net/http.js';
import { isLoopbackAddress } from '../net/loopback-guard.js';
import { parseConnectTo, parseResolve, type ConnectOverride } from '../net/overrides.js';
import { TOOL } from './tool.js';

import { UsageError } from './errors.js';
import { createRun } from './run.js';

export { UsageError };

export interface AuditOptions {
  url?: string;
  configPath?: string;
  only?: Area[];
  skip?: Area[];
  failOn: FailOn;
  maxRequests?: number;
  maxRate?: number;
  timeoutMs?: number;
  allowWrites?: boolean;
  /** --i-own-this-target: load above the conservative rate is allowed. */
  ownsTarget?: boolean;
  resolve?: string[];
  connectTo?: string[];
  /** --dns SERVER[:PORT]: every name lookup (HTTP, TLS, DNS checks) goes to this server. */
  dns?: string;
  resolver?: HostResolver;
  caFile?: string;
  seed?: number;
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  progress?: ProgressSink;
  /** Replaces the registry (tests of the engine). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  checks?: Check<any>[];
  checkDeadlineMs?: number;
  runDeadlineMs?: number;
  /** The config already loaded by the caller (saves reading it twice). */
  prepared?: PreparedRun;
}

export function parseAreaList(flag: string, value: string): Area[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const a of list) if (!(AREAS as readonly string[]).includes(a)) throw new UsageError(`${flag}: unknown area "${a}"; areas are ${AREAS.join(', ')}`);
  return list as Area[];
}

/** --ca FILE: PEM certificates to trust in addition to the system roots. A UsageError names the flag. */
export function readCaFile(file: string): string {
  let ca: string;
  try {
    ca = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--ca ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca ${file}: no PEM certificate in the file (expected -----BEGIN CERTIFICATE-----)`);
  return ca;
}

export function isDevelopmentHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || (isIP(h) !== 0 && isLoopbackAddress(h));
}

export function parseOverrides(resolve: string[] = [], connectTo: string[] = []): ConnectOverride[] {
  try {
    return [...resolve.map(parseResolve), ...connectTo.map(parseConnectTo)];
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export interface PreparedRun {
  config: Config;
  configDir: string;
  target: TargetInfo;
  targetLabel: string;
}

export function prepare(opts: Pick<AuditOptions, 'url' | 'configPath' | 'env'>): PreparedRun {
  const loaded = opts.configPath ? loadConfigFile(opts.configPath, opts.env) : { config: ConfigSchema.parse({}), dir: process.cwd() };
  const raw = opts.url ?? loaded.config.target;
  let baseUrl: URL | undefined;
  if (raw !== undefined) {
    try {
      baseUrl = new URL(raw);
    } catch {
      throw new UsageError(`URL ${JSON.stringify(raw)} is not a valid URL (expected e.g. https://app.example.com)`);
    }
    if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:') throw new UsageError(`URL ${raw}: only http:// and https:// targets can be audited`);
  }
  if (!baseUrl && !loaded.config.repo && loaded.config.domains.length === 0)
    throw new UsageError('nothing to audit: give a URL (launchready audit https://app.example.com) or a config with target:, domains: or repo:');
  const isDevelopment = baseUrl !== undefined && isDevelopmentHost(baseUrl.hostname) && loaded.config.domains.length === 0;
  return {
    config: loaded.config,
    configDir: loaded.dir,
    target: { ...(baseUrl ? { baseUrl } : {}), isDevelopment },
    targetLabel: baseUrl?.href ?? loaded.config.domains[0] ?? loaded.config.repo ?? '',
  };
}

/** Areas the config explicitly asks for: when they end up untested the run is incomplete. */
export function askedAreas(config: Config): Map<Area, string> {
  const asked = new Map<Area, string>();
  if (config.mail) asked.set('email', 'mail: is configured');
  if (config.domains.length) asked.set('domain-tls', 'domains: are configured');
  if (Object.keys(config.identities).length >= 2) asked.set('authorization', 'two or more identities are configured');
  if (config.load) asked.set('performance', 'load: is configured');
  if (config.webhooks.length) asked.set('deployment', 'webhooks: are configured');
  if (config.repo) asked.set('secrets', 'repo: is configured');
  return asked;
}

/**
 * Areas the config asks for that ended up untested, with the reasons the checks gave. `excluded`
 * areas (left out on purpose by --only/--skip or by the command) are not reported.
 */
export function untestedAskedAreas(config: Config, findings: Finding[], areasRun: ReadonlySet<Area>, excluded: (area: Area) => boolean): string[] {
  const out: string[] = [];
  for (const [area, why] of askedAreas(config)) {
    if (excluded(area)) continue;
    if (!areasRun.has(area)) {
      out.push(`${area}: asked for (${why}) but launchready has no check for it yet`);
      continue;
    }
    if (findings.some((f) => f.area === area && f.status !== 'skip')) continue;
    const reasons = [...new Set(findings.filter((f) => f.area === area && f.reason).map((f) => f.reason!))];
    out.push(`${area}: asked for (${why}) but could not be tested${reasons.length ? `: ${reasons.join('; ')}` : ''}`);
  }
  return out;
}

/** Check id → title, for naming blocker groups of several places. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function checkTitlesOf(checks: ReadonlyArray<Check<any>>): Map<string, string> {
  return new Map(checks.map((c) => [c.meta.id, c.meta.title]));
}

/** `waive:` of the config as the report lists it. */
export function waiversOf(config: Pick<Config, 'waive'> | undefined): Waiver[] {
  return (Object.entries(config?.waive ?? {}) as Array<[Area, string | undefined]>).filter((e): e is [Area, string] => typeof e[1] === 'string').map(([area, reason]) => ({ area, reason }));
}

/**
 * The report model of a finished run: verdict, score, scorecard, coverage, blocker groups and the
 * sprint plan, derived from the findings. With `selected` (the areas the run was asked to judge),
 * coverage decides readiness: an area neither tested nor waived makes the run incomplete, and the
 * line says what to add to launchready.yml.
 */
export function reportOf(input: {
  result: RunResult;
  http: HttpClient;
  target: string;
  startedAt: Date;
  failOn: FailOn;
  untested: string[];
  selected?: ReadonlySet<Area>;
  checksRun?: ReadonlySet<string>;
  config?: Pick<Config, 'waive'>;
  checkTitles?: ReadonlyMap<string, string>;
}): Report {
  const { result, http } = input;
  const findings = result.findings;
  const waivers = waiversOf(input.config);
  const coverage = input.selected ? coverageOf({ findings, selected: input.selected, waivers, ...(input.checksRun ? { checksRun: input.checksRun } : {}) }) : undefined;
  const asked = new Set(input.untested.map((line) => line.split(':')[0]));
  // Coverage gaps come first: the report opens with what was not tested and the config to add.
  const gaps = coverage ? coverageGaps(coverage).filter((c) => !asked.has(c.area)).map(coverageGapLine) : [];
  const incomplete = [...gaps, ...result.incomplete, ...input.untested];
  const facts = result.contributions.facts;
  const judged = judge({
    findings,
    failOn: input.failOn,
    incomplete,
    ...(result.targetProblem !== undefined ? { targetProblem: result.targetProblem } : {}),
    ...(input.checkTitles ? { checkTitles: input.checkTitles } : {}),
  });
  return {
    tool: TOOL,
    target: input.target,
    startedAt: input.startedAt.toISOString(),
    durationMs: Date.now() - input.startedAt.getTime(),
    verdict: judged.verdict,
    incomplete,
    score: judged.score,
    scorecard: scorecardOf(findings),
    findings,
    blockers: judged.blockers,
    accessMatrix: result.contributions.accessMatrix ?? [],
    latency: result.contributions.latency ?? {},
    stats: { requests: http.stats.requests, bytes: http.stats.bytes, areaDurationsMs: result.areaDurationsMs },
    ...(facts && Object.keys(facts).length ? { facts } : {}),
    ...(judged.scoreNote ? { scoreNote: judged.scoreNote } : {}),
    ...(coverage ? { coverage } : {}),
    ...(waivers.length ? { waivers } : {}),
    blockerGroups: judged.blockerGroups!,
    sprint: judged.sprint!,
  };
}

/** The run's one HTTP client: the config's budget, overridden by flags, with the run's name rules. */
export function runHttpClient(
  config: Config,
  flags: { maxRequests?: number; maxRate?: number; timeoutMs?: number; signal?: AbortSignal; userAgent?: string },
  net: { overrides: ConnectOverride[]; resolver?: HostResolver | undefined; ca?: string | undefined; scope: string[] },
): HttpClient {
  return new HttpClient({
    maxRequests: flags.maxRequests ?? config.budget.maxRequests,
    rate: flags.maxRate ?? config.budget.rate,
    timeoutMs: flags.timeoutMs ?? config.budget.timeoutMs,
    maxBodyBytes: config.budget.maxBodyBytes,
    overrides: net.overrides,
    ...(net.resolver ? { resolver: net.resolver } : {}),
    ...(net.ca ? { ca: net.ca } : {}),
    scope: net.scope,
    exclude: config.api.exclude,
    ...(config.endpoints['mailbox'] ? { excludeExempt: [{ method: 'GET', path: new URL(config.endpoints['mailbox'].replace(/^GET\s+/i, ''), 'http://mailbox.invalid').pathname }] } : {}),
    userAgent: flags.userAgent ?? `${TOOL.name}/${TOOL.version} (+launch readiness audit)`,
    ...(flags.signal ? { signal: flags.signal } : {}),
  });
}

export async function runAudit(opts: AuditOptions): Promise<Report> {
  const prepared = opts.prepared ?? prepare(opts);
  const { config } = prepared;
  const run = createRun({
    config,
    scope: prepared.target.baseUrl ? [prepared.target.baseUrl.origin] : [],
    ...(opts.resolve ? { resolve: opts.resolve } : {}),
    ...(opts.connectTo ? { connectTo: opts.connectTo } : {}),
    ...(opts.dns ? { dns: opts.dns } : {}),
    ...(opts.resolver ? { resolver: opts.resolver } : {}),
    ...(opts.caFile ? { caFile: opts.caFile } : {}),
    ...(opts.maxRequests ? { maxRequests: opts.maxRequests } : {}),
    ...(opts.maxRate ? { maxRate: opts.maxRate } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    allowWrites: opts.allowWrites ?? false,
    seed: opts.seed ?? 1,
  });
  const { http, resolver } = run;
  const only = opts.only?.length ? new Set(opts.only) : undefined;
  const skip = new Set(opts.skip ?? []);
  // The check registry (and, through it, the browser and every prober) loads when an audit runs.
  const registry = opts.checks ?? (await import('../checks/index.js')).allChecks;
  const selected = registry.filter((c) => (!only || only.has(c.meta.area)) && !skip.has(c.meta.area));
  if (selected.length === 0) {
    await run.close();
    throw new UsageError(
      `${[opts.only?.length ? `--only ${opts.only.join(',')}` : '', opts.skip?.length ? `--skip ${opts.skip.join(',')}` : ''].filter(Boolean).join(' ') || 'this run'} selects no check: nothing would be tested (areas are ${AREAS.join(', ')})`,
    );
  }
  try {
    const result = await runChecks({
      checks: selected,
      config,
      configDir: prepared.configDir,
      target: prepared.target,
      http,
      options: run.options,
      env: opts.env,
      ...(opts.signal ? { signal: opts.signal } : {}),
      checkDeadlineMs: opts.checkDeadlineMs ?? Math.min(90_000, config.budget.deadlineMs),
      runDeadlineMs: opts.runDeadlineMs ?? config.budget.deadlineMs,
      ...(opts.progress ? { progress: opts.progress } : {}),
      now: run.startedAt,
      services: { loadSettings: { ownsTarget: opts.ownsTarget ?? false }, ...(resolver ? { resolver } : {}) },
      probeTarget: { timeoutMs: opts.timeoutMs ?? config.budget.timeoutMs, maxBodyBytes: config.budget.maxBodyBytes },
    });
    const areasRun = new Set(selected.map((c) => c.meta.area));
    const baseUrl = prepared.target.baseUrl;
    // A target was given, the run finished, and no check sent it a single request: nothing about it was tested.
    if (baseUrl && !opts.signal?.aborted && result.targetProblem === undefined && http.stats.requests - (result.baselineRequests ?? 0) === 0 && http.remaining > 0)
      throw new UsageError(
        `no check sent a request to ${baseUrl.href}: the selected areas (${[...areasRun].join(', ')}) did not test the target${prepared.target.isDevelopment ? ' (a development target skips the checks that need a public hostname)' : ''}; select areas that test it (--only) or leave the URL out`,
      );
    const selectedAreas = new Set(AREAS.filter((a) => !skip.has(a) && (only === undefined || only.has(a))));
    return run.report(result, {
      target: prepared.targetLabel,
      failOn: opts.failOn,
      untested: untestedAskedAreas(config, result.findings, areasRun, (area) => skip.has(area) || (only !== undefined && !only.has(area))),
      selected: selectedAreas,
      checksRun: new Set(selected.map((c) => c.meta.id)),
      config,
      checkTitles: checkTitlesOf(registry),
    });
  } finally {
    await run.close();
  }
}

export { ConfigError };
