import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import pino, { type Logger } from 'pino';
import { ConfigError, loadConfigFile, type LoadedConfig } from '../../config/load.js';
import { resolveMonitorPlan, type MonitorPlan } from '../../monitor/config.js';
import { Monitor } from '../../monitor/monitor.js';
import { startStatusServer, type StatusServer } from '../../monitor/server.js';
import { openStore } from '../../store/index.js';
import type { Store } from '../../store/types.js';

export interface RunMonitorOptions {
  /** launchready.yml path (default ./launchready.yml); or `loaded` for a config already read. */
  config?: string;
  loaded?: LoadedConfig;
  env?: Readonly<Record<string, string | undefined>>;
  /** Overrides `target:` (the default probes derive from it). */
  target?: string;
  /** Overrides monitor.store: a SQLite path or a postgres:// URL. */
  db?: string;
  /** Overrides monitor.listen. Port 0 picks a free port. */
  host?: string;
  port?: number;
  /** PEM file of extra CA certificates for HTTPS/TLS probes. */
  ca?: string;
  /** Forget the recorded DNS/mail baselines: the next run records new ones. */
  rebaseline?: boolean;
  /** Tests only: accept probe intervals below 5 s. */
  allowShortIntervals?: boolean;
  logger?: Logger;
  logLevel?: string;
  /** Test knobs: store batching and outbox polling (ms). */
  flushMs?: number;
  dispatchPollMs?: number;
}

export interface MonitorHandle {
  monitor: Monitor;
  store: Store;
  plan: MonitorPlan;
  /** Base URL of /status, /metrics and /healthz. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the monitor in this process: validates the config (errors are ConfigError with
 * file:line:col), opens and migrates the store, restores alert state, starts the probes, the
 * notification outbox and the status server. Returns once everything runs; `stop()` shuts down cleanly.
 */
export async function runMonitor(opts: RunMonitorOptions = {}): Promise<MonitorHandle> {
  const env = opts.env ?? process.env;
  const loaded = opts.loaded ?? loadConfigFile(opts.config ?? 'launchready.yml', env);
  if (opts.target) {
    try {
      loaded.config = { ...loaded.config, target: new URL(opts.target).href };
    } catch {
      throw new ConfigError('--target', 1, 1, `"${opts.target}" is not an http(s) URL`);
    }
  }
  const plan = resolveMonitorPlan(loaded, { allowShortIntervals: opts.allowShortIntervals ?? false });
  const logger = opts.logger ?? pino({ level: opts.logLevel ?? 'info', base: { app: 'launchready-monitor' } });
  const storeSpec = opts.db ?? plan.store;
  const store = await openStore(storeSpec, { baseDir: opts.db ? process.cwd() : loaded.dir }).catch((err: Error) => {
    throw new ConfigError(opts.db ? '--db' : (loaded.file ?? 'launchready.yml'), 1, 1, `cannot open the monitor store ${storeSpec ?? '(default)'}: ${err.message}`);
  });
  let server: StatusServer | undefined;
  let monitor: Monitor | undefined;
  try {
    if (opts.rebaseline) {
      const n = await store.clearBaselines('drift:');
      logger.info({ cleared: n }, 'DNS/mail baselines cleared: the next runs record new ones');
    }
    const ca = opts.ca ? readFileSync(resolve(opts.ca), 'utf8') : undefined;
    const host = opts.host ?? plan.listen.host;
    const port = opts.port ?? plan.listen.port;
    monitor = new Monitor({
      plan,
      store,
      logger,
      ...(ca ? { ca } : {}),
      ...(opts.flushMs !== undefined ? { flushMs: opts.flushMs } : {}),
      ...(opts.dispatchPollMs !== undefined ? { dispatchPollMs: opts.dispatchPollMs } : {}),
    });
    server = await startStatusServer(monitor, host, port);
    // The alerts' status-page link: the configured page, else this monitor's own /status.
    monitor.setOwnStatusPage(`${server.url}/status`);
    await monitor.start();
    logger.info({ status: `${server.url}/status`, metrics: `${server.url}/metrics`, health: `${server.url}/healthz` }, 'status server listening');
  } catch (err) {
    await monitor?.stop().catch(() => undefined);
    await server?.close();
    await store.close();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  const m = monitor;
  const s = server;
  return {
    monitor: m,
    store,
    plan,
    url: s.url,
    stop: () =>
      (stopping ??= (async () => {
        await m.stop();
        await s.close();
        await store.close();
        logger.info('monitor stopped');
      })()),
  };
}

function portArg(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError(`--port expects 0–65535, got "${v}"`);
  return Number(v);
}

/** `launchready monitor --config FILE`: runs in the foreground until SIGINT/SIGTERM. */
export function monitorCommand(): Command {
  return new Command('monitor')
    .description('Watch the live product: uptime, synthetic login, API, certificate, DNS/mail drift and webhooks; alert by webhook, Slack or email; serve /status and /metrics.')
    .option('-c, --config <file>', 'launchready.yml with target, identities and an optional monitor: section', 'launchready.yml')
    .option('--target <url>', 'base URL of the app (overrides target: in the config)')
    .option('--db <url>', 'store: a SQLite file or a postgres:// URL (overrides monitor.store)')
    .option('--host <host>', 'interface for /status, /metrics and /healthz (default 127.0.0.1)')
    .option('--port <n>', 'port for /status, /metrics and /healthz (default 9464)', portArg)
    .option('--ca <file>', 'extra CA certificates (PEM) to trust for HTTPS and TLS probes')
    .option('--rebaseline', 'forget the recorded DNS and mail records and record them again')
    .option('--log-level <level>', 'pino log level: debug, info, warn, error', 'info')
    .action(async (o: { config: string; target?: string; db?: string; host?: string; port?: number; ca?: string; rebaseline?: boolean; logLevel: string }) => {
      const handle = await runMonitor({
        config: o.config,
        logLevel: o.logLevel,
        ...(o.target ? { target: o.target } : {}),
        ...(o.db ? { db: o.db } : {}),
        ...(o.host ? { host: o.host } : {}),
        ...(o.port !== undefined ? { port: o.port } : {}),
        ...(o.ca ? { ca: o.ca } : {}),
        ...(o.rebaseline ? { rebaseline: true } : {}),
      });
      await new Promise<void>((done) => {
        process.once('SIGINT', () => done());
        process.once('SIGTERM', () => done());
      });
      await handle.stop();
      process.exitCode = 0;
    });
}
