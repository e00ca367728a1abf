import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { UsageError } from '../../app/audit.js';
import { openDashboardDb } from '../../dashboard/db.js';
import { startDashboard, type RunningDashboard } from '../../dashboard/server.js';
import { isLoopbackAddress } from '../../net/loopback-guard.js';
import { DEFAULT_STORE_PATH } from '../../store/index.js';

interface ServeFlags {
  port: number;
  host: string;
  db?: string;
  trustProxy?: string;
  setupMinutes: number;
}

function port(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError(`--port expects 0–65535, got "${v}"`);
  return Number(v);
}

function minutes(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 24 * 60) throw new InvalidArgumentError(`--setup-minutes expects 1–1440, got "${v}"`);
  return Number(v);
}

export interface ServeOptions {
  port?: number;
  host?: string;
  db?: string;
  trustProxy?: string[];
  setupTtlMs?: number;
  env: Readonly<Record<string, string | undefined>>;
  /** Where the listening line and the setup link go (stderr for the CLI). */
  out: (line: string) => void;
  logLevel?: string;
}

/** Opens the store, starts the dashboard and says where it is (and, before the first login, the setup link). */
export async function runServe(opts: ServeOptions): Promise<RunningDashboard> {
  const db = await openDashboardDb(opts.db);
  let dashboard: RunningDashboard;
  try {
    dashboard = await startDashboard({
      db,
      host: opts.host ?? '127.0.0.1',
      port: opts.port ?? 8787,
      ...(opts.env['LAUNCHREADY_ADMIN_PASSWORD'] ? { adminPassword: opts.env['LAUNCHREADY_ADMIN_PASSWORD'] } : {}),
      ...(opts.env['LAUNCHREADY_API_TOKEN'] ? { apiToken: opts.env['LAUNCHREADY_API_TOKEN'] } : {}),
      ...(opts.trustProxy?.length ? { trustProxy: opts.trustProxy } : {}),
      ...(opts.setupTtlMs ? { setupTtlMs: opts.setupTtlMs } : {}),
      // Request lines carry the path only: the setup link's token lives in the query string.
      logger: pino({ level: opts.logLevel ?? 'warn', redact: ['req.headers.cookie', 'req.headers.authorization'] }),
    });
  } catch (err) {
    await db.close();
    if (err instanceof Error && /LAUNCHREADY_(ADMIN_PASSWORD|API_TOKEN)/.test(err.message)) throw new UsageError(err.message);
    throw err;
  }
  opts.out(`launchready dashboard on ${dashboard.url} (store: ${db.location})`);
  if (dashboard.setupUrl) {
    const minutesLeft = Math.round((opts.setupTtlMs ?? 30 * 60_000) / 60_000);
    opts.out(`No admin account yet. Open this one-time link within ${minutesLeft} minutes to choose the admin password:`);
    opts.out(`  ${dashboard.setupUrl}`);
  }
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackAddress(host.replace(/^\[|\]$/g, '')) && host !== 'localhost' && !opts.trustProxy?.length) {
    opts.out('Warning: listening beyond this machine over plain HTTP. Put it behind a TLS proxy and pass --trust-proxy ADDRESS so cookies are sent only over HTTPS.');
  }
  return dashboard;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('Start the dashboard: audit history per target, score trends, run comparison, findings and the monitor status, behind its own login')
    .option('--port <n>', 'port to listen on (0 picks a free one)', port, 8787)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--db <url>', `the store: a SQLite file (default ${DEFAULT_STORE_PATH}) or a postgres:// URL`)
    .option('--trust-proxy <addresses>', 'comma-separated addresses of a TLS-terminating proxy whose X-Forwarded-Proto/-For are believed (cookies then get Secure)')
    .option('--setup-minutes <n>', 'how long the printed one-time setup link works', minutes, 30)
    .addHelpText(
      'after',
      `
The first start creates the only account, "admin": from LAUNCHREADY_ADMIN_PASSWORD when it is set
(at least 12 characters), otherwise through a printed one-time setup link.
LAUNCHREADY_API_TOKEN (at least 32 characters) lets CI upload reports: POST /api/audits with
"Authorization: Bearer TOKEN" and the JSON report as the body.

Examples:
  launchready serve
  launchready serve --port 8080 --db postgres://launchready@127.0.0.1:5432/launchready
  launchready audit https://app.example.com --format json --out report.json && \\
    curl -H "Authorization: Bearer $LAUNCHREADY_API_TOKEN" -H 'content-type: application/json' \\
         --data @report.json http://127.0.0.1:8787/api/audits`,
    )
    .action(async (flags: ServeFlags) => {
      const dashboard = await runServe({
        port: flags.port,
        host: flags.host,
        ...(flags.db ? { db: flags.db } : {}),
        ...(flags.trustProxy ? { trustProxy: flags.trustProxy.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
        setupTtlMs: flags.setupMinutes * 60_000,
        env: process.env,
        out: (line) => process.stderr.write(`${line}\n`),
      });
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void dashboard.close().finally(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
