import { Command, Option } from 'commander';
import { prepare, UsageError } from '../../app/audit.js';
import { createRun } from '../../app/run.js';
import { TOOL } from '../../app/tool.js';
import { coreActionLatency } from '../../checks/performance/core-action-latency.js';
import { pageLcp } from '../../checks/performance/page-lcp.js';
import type { Config } from '../../config/schema.js';
import type { Check } from '../../engine/check.js';
import { runChecks } from '../../engine/runner.js';
import { CONSERVATIVE_MAX_RATE, OWNERSHIP_FLAG } from '../../load/generator.js';
import type { CoreActionLoad } from '../../load/gatherer.js';
import { parseDuration, type LoadSettings } from '../../load/plan.js';
import { loadDurationProblem } from '../../config/duration.js';
import { renderLoadText } from '../../load/report-text.js';
import { exitCodeOf, type Report } from '../../model/report.js';
import type { FailOn } from '../../model/severity.js';
import type { HostResolver } from '../../net/http.js';
import type { Format } from '../../report/index.js';
import { collect, emitReport, failOnOption, failOnValue, formatOption, positiveInt, positiveNumber, writeAtomic, MAX_REQUESTS_LIMIT, prepareOut } from '../shared.js';

/** What `launchready load` does when neither the flags nor `load:` say otherwise. */
export const LOAD_COMMAND_DEFAULTS = { rate: 20, duration: '10s', warmup: '2s' } as const;

export interface LoadOptions {
  url?: string;
  configPath?: string;
  /** Open model. */
  rate?: number;
  /** Closed model. */
  concurrency?: number;
  /** `30s`, `500ms`, `2m`. */
  duration?: string;
  warmup?: string;
  /** Routes such as "GET /api/invoices" or "/api/invoices"; replace load.actions. */
  actions?: string[];
  maxRequests?: number;
  connections?: number;
  timeoutMs?: number;
  /** --i-own-this-target */
  ownsTarget?: boolean;
  allowWrites?: boolean;
  /** Also measure the landing/login pages in Chromium. */
  pages?: boolean;
  resolve?: string[];
  connectTo?: string[];
  resolver?: HostResolver;
  caFile?: string;
  failOn?: FailOn;
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  /** Tests: page-vitals runs and the like. */
  settings?: LoadSettings;
}

export interface LoadRun {
  report: Report;
  /** The raw load result (undefined when nothing could be loaded; the report says why). */
  load?: CoreActionLoad;
  thresholdMs: number;
}

function routeFlag(value: string): string {
  const v = value.trim();
  if (/^\//.test(v)) return `GET ${v}`;
  if (/^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\s+\//i.test(v)) return v.replace(/^\S+/, (m) => m.toUpperCase());
  throw new UsageError(`--action ${JSON.stringify(value)}: expected a route like "GET /api/invoices" or a path like /api/invoices`);
}

/** The config with the command line's load settings applied on top of `load:`. */
export function loadConfigFromFlags(config: Config, opts: LoadOptions): Config {
  if (opts.rate !== undefined && opts.concurrency !== undefined) throw new UsageError('give --rate (open model) or --concurrency (closed model), not both');
  const load = config.load ?? { actions: [] };
  const shape =
    opts.rate !== undefined
      ? { rate: opts.rate }
      : opts.concurrency !== undefined
        ? { concurrency: opts.concurrency }
        : load.rate !== undefined || load.concurrency !== undefined
          ? { ...(load.rate !== undefined ? { rate: load.rate } : { concurrency: load.concurrency! }) }
          : { rate: LOAD_COMMAND_DEFAULTS.rate };
  const duration = opts.duration ?? load.duration ?? LOAD_COMMAND_DEFAULTS.duration;
  const warmup = opts.warmup ?? load.warmup ?? LOAD_COMMAND_DEFAULTS.warmup;
  for (const [flag, v] of [
    ['--duration', duration],
    ['--warmup', warmup],
  ] as const) {
    try {
      parseDuration(v, 0);
    } catch (err) {
      throw new UsageError(`${flag}: ${(err as Error).message}`);
    }
  }
  if (parseDuration(duration, 0) <= 0) throw new UsageError('--duration must be above 0');
  const short = loadDurationProblem(duration);
  if (short) throw new UsageError(`--duration: ${short}`);
  if (shape.rate !== undefined && shape.rate > CONSERVATIVE_MAX_RATE && !opts.ownsTarget)
    throw new UsageError(`a rate of ${shape.rate} requests/s is above the conservative limit of ${CONSERVATIVE_MAX_RATE}/s: add ${OWNERSHIP_FLAG} to confirm you own this target (or are allowed to load-test it)`);
  const actions = opts.actions?.length ? opts.actions.map(routeFlag) : load.actions;
  return { ...config, load: { ...shape, duration, warmup, actions } };
}

/**
 * `launchready load`: logs the identities in, runs the load against the core actions and judges
 * p95 per action (plus page LCP with --pages). Returns the report and the raw numbers.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadRun> {
  const prepared = prepare({ ...(opts.url ? { url: opts.url } : {}), ...(opts.configPath ? { configPath: opts.configPath } : {}), env: opts.env });
  const base = prepared.target.baseUrl;
  if (!base) throw new UsageError('nothing to load: give a URL (launchready load https://app.example.com) or a config with target:');
  const config = loadConfigFromFlags(prepared.config, opts);
  const durationMs = parseDuration(config.load!.duration, 0);
  const warmupMs = parseDuration(config.load!.warmup, 0);
  const timeoutMs = opts.timeoutMs ?? config.budget.timeoutMs;
  // The load's own cap: the schedule (open model) or a generous bound (closed model), plus logins.
  const expected = config.load!.rate !== undefined ? Math.ceil((config.load!.rate * (durationMs + warmupMs)) / 1000) : opts.ownsTarget ? 50_000_000 : Math.ceil((CONSERVATIVE_MAX_RATE * (durationMs + warmupMs)) / 1000);
  const loadCap = opts.maxRequests ?? expected;
  const run = createRun({
    config,
    scope: [base.origin],
    ...(opts.resolve ? { resolve: opts.resolve } : {}),
    ...(opts.connectTo ? { connectTo: opts.connectTo } : {}),
    ...(opts.resolver ? { resolver: opts.resolver } : {}),
    ...(opts.caFile ? { caFile: opts.caFile } : {}),
    maxRequests: loadCap + 200,
    timeoutMs,
    userAgent: `${TOOL.name}/${TOOL.version} (+load test)`,
    ...(opts.signal ? { signal: opts.signal } : {}),
    allowWrites: opts.allowWrites ?? false,
  });
  const { http } = run;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const checks: Check<any>[] = opts.pages ? [coreActionLatency, pageLcp] : [coreActionLatency];
  const deadline = warmupMs + durationMs + timeoutMs + 60_000 + (opts.pages ? 120_000 : 0);
  const failOn = opts.failOn ?? 'medium';
  try {
    const result = await runChecks({
      checks,
      config,
      configDir: prepared.configDir,
      target: prepared.target,
      http,
      options: run.options,
      env: opts.env,
      ...(opts.signal ? { signal: opts.signal } : {}),
      checkDeadlineMs: deadline,
      runDeadlineMs: deadline + 10_000,
      now: run.startedAt,
      services: {
        loadSettings: {
          ...opts.settings,
          ownsTarget: opts.ownsTarget ?? false,
          maxRequests: loadCap,
          ...(opts.connections ? { connections: opts.connections } : {}),
          timeoutMs,
        } satisfies LoadSettings,
        ...(opts.resolver ? { resolver: opts.resolver } : {}),
      },
    });
    const report = run.report(result, { target: prepared.targetLabel, failOn, areas: ['performance'] });
    const load = result.artifacts.get('load/core-actions') as CoreActionLoad | undefined;
    return { report, ...(load ? { load } : {}), thresholdMs: config.thresholds.p95Ms };
  } finally {
    await run.close();
  }
}

/** The text view: the load table, then one line per finding that is not a pass, then the verdict. */
export function renderLoadRun(run: LoadRun): string {
  const parts: string[] = [];
  if (run.load) parts.push(renderLoadText(run.load.result, { target: run.report.target, thresholdMs: run.thresholdMs, skipped: run.load.skipped, notes: run.load.notes }));
  for (const f of run.report.findings) {
    if (f.status === 'pass' && f.check === 'performance/core-action-p95') continue;
    parts.push(`${f.status.toUpperCase().padEnd(5)} ${f.title}${f.reason ? ` — ${f.reason}` : ''}`);
  }
  for (const why of run.report.incomplete) parts.push(`incomplete: ${why}`);
  parts.push(`verdict: ${run.report.verdict}`);
  return parts.join('\n') + '\n';
}

interface LoadFlags {
  config?: string;
  rate?: number;
  concurrency?: number;
  duration?: string;
  warmup?: string;
  action?: string[];
  maxRequests?: number;
  connections?: number;
  timeout?: number;
  iOwnThisTarget?: boolean;
  allowWrites?: boolean;
  pages?: boolean;
  resolve?: string[];
  connectTo?: string[];
  ca?: string;
  format: Format;
  out?: string;
  failOn: string;
}

export function loadCommand(): Command {
  return new Command('load')
    .description('Load the core actions (open model: fixed arrival rate; closed model: N users) and judge p95 per action')
    .argument('[url]', 'base URL of the app; overrides target: in the config')
    .option('-c, --config <file>', 'launchready.yml: identities, load.actions, thresholds.p95Ms')
    .addOption(new Option('--rate <n>', `open model: requests per second (default ${LOAD_COMMAND_DEFAULTS.rate}; above ${CONSERVATIVE_MAX_RATE} needs ${OWNERSHIP_FLAG})`).argParser(positiveNumber('--rate')).conflicts('concurrency'))
    .addOption(new Option('--concurrency <n>', `closed model: concurrent users (paced to ${CONSERVATIVE_MAX_RATE} requests/s without ${OWNERSHIP_FLAG})`).argParser(positiveInt('--concurrency')))
    .option('--duration <time>', `measured phase, e.g. 30s, 500ms, 2m (default ${LOAD_COMMAND_DEFAULTS.duration})`)
    .option('--warmup <time>', `unmeasured phase before it (default ${LOAD_COMMAND_DEFAULTS.warmup})`)
    .option('--action <route>', 'a core action, e.g. "GET /api/invoices"; repeatable; replaces load.actions', collect)
    .option('--max-requests <n>', 'stop after this many requests (warm-up included)', positiveInt('--max-requests', MAX_REQUESTS_LIMIT))
    .option('--connections <n>', 'open model: connections per origin', positiveInt('--connections'))
    .option('--timeout <ms>', 'per-request deadline in ms (default 10000)', positiveInt('--timeout'))
    .option(OWNERSHIP_FLAG, `you own this target (or may load-test it): allows more than ${CONSERVATIVE_MAX_RATE} requests/s`)
    .option('--allow-writes', 'allow actions other than GET and HEAD')
    .option('--pages', 'also measure landing and login page LCP in Chromium')
    .option('--resolve <host:port:address>', "connect to ADDRESS for HOST:PORT (curl's meaning); repeatable", collect)
    .option('--connect-to <host:port:host2:port2>', 'connect to HOST2:PORT2 for HOST:PORT (curl); repeatable', collect)
    .option('--ca <file>', 'extra CA certificates (PEM) to trust')
    .addOption(formatOption())
    .option('-o, --out <file>', 'write the report to a file instead of stdout')
    .addOption(failOnOption().default('medium'))
    .addHelpText(
      'after',
      `
The open model (--rate) times every request from when it should have been sent, so a server that
stalls shows up in p99; the closed model (--concurrency) is what wrk and autocannon measure and
hides such stalls. Default actions: load.actions, else the API surface's parameter-free GET routes.

Examples:
  launchready load http://127.0.0.1:8080 --action "GET /api/invoices" --rate 20 --duration 30s
  launchready load --config launchready.yml --concurrency 10 --duration 1m ${OWNERSHIP_FLAG}`,
    )
    .action(async (url: string | undefined, flags: LoadFlags) => {
      prepareOut(flags.out);
      const controller = new AbortController();
      const onSigint = (): void => controller.abort();
      process.once('SIGINT', onSigint);
      try {
        const run = await runLoad({
          ...(url ? { url } : {}),
          ...(flags.config ? { configPath: flags.config } : {}),
          ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
          ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
          ...(flags.duration ? { duration: flags.duration } : {}),
          ...(flags.warmup ? { warmup: flags.warmup } : {}),
          ...(flags.action ? { actions: flags.action } : {}),
          ...(flags.maxRequests ? { maxRequests: flags.maxRequests } : {}),
          ...(flags.connections ? { connections: flags.connections } : {}),
          ...(flags.timeout ? { timeoutMs: flags.timeout } : {}),
          ownsTarget: flags.iOwnThisTarget ?? false,
          allowWrites: flags.allowWrites ?? false,
          pages: flags.pages ?? false,
          resolve: flags.resolve ?? [],
          connectTo: flags.connectTo ?? [],
          ...(flags.ca ? { caFile: flags.ca } : {}),
          failOn: failOnValue(flags.failOn),
          env: process.env,
          signal: controller.signal,
        });
        if (flags.format === 'text') {
          const text = renderLoadRun(run);
          if (flags.out) writeAtomic(flags.out, text);
          else process.stdout.write(text);
          process.exitCode = exitCodeOf(run.report.verdict);
        } else process.exitCode = await emitReport(run.report, { format: flags.format, ...(flags.out ? { out: flags.out } : {}) });
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
