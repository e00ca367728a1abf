import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { UsageError } from '../../app/audit.js';
import { openDashboardDb } from '../../dashboard/db.js';
import { startDashboard, type RunningDashboard } from '../../dashboard/server.js';
import { isLoopbackAddress } from '../../net/loopback-guard.js';
import { DEFAULT_STORE_PATH } from '../../store/index.js';
import { collect } from '../shared.js';

interface ServeFlags {
  port: number;
  host: string;
  db?: string;
  trustProxy?: string;
  setupMinutes: number;
  allowedHost?: string[];
  resetPassword?: boolean;
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
  /** --allowed-host: more Host names the dashboard answers to (besides the bind address and localhost). */
  allowedHosts?: string[];
  /** --reset-password: print a one-time link that sets a new admin password. */
  resetPassword?: boolean;
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
      ...(opts.allowedHosts?.length ? { allowedHosts: opts.allowedHosts } : {}),
      ...(opts.resetPassword ? { resetPassword: true } : {}),
      // Request lines carry the path only: the setup link's token lives in the query string.
      logger: pino({ level: opts.logLevel ?? 'warn', redact: ['req.headers.cookie', 'req.headers.authorization'] }),
    });
  } catch (err) {
    await db.close();
    if (err instanceof Error && /LAUNCHREADY_(ADMIN_PASSWORD|API_TOKEN)/.test(err.message)) throw new UsageError(err.message);
    throw err;
  }
  opts.out(`launchready dashboard on ${dashboard.url} (store: ${db.location})`);
  for (const notice of dashboard.notices) opts.out(`Note: ${notice}`);
  if (dashboard.setupUrl) {
    const resetting = opts.resetPassword === true && (await dashboard.accounts.hasAdmin());
    const minutesLeft = Math.round((opts.setupTtlMs ?? 30 * 60_000) / 60_000);
    opts.out(
      resetting
        ? `Password reset: open this one-time link within ${minutesLeft} minutes to choose a new admin password (every admin session ends when it is used):`
        : `No admin account yet. Open this one-time link within ${minutesLeft} minutes to choose the admin password:`,
    );
    opts.out(`  ${dashboard.setupUrl}`);
  } else if (opts.resetPassword) opts.out('--reset-password: there is no admin account yet, nothing to reset.');
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
    .option('--setup-minutes <n>', 'how long the printed one-time setup or reset link works', minutes, 30)
    .option('--allowed-host <name>', 'a Host name the dashboard answers to besides the bind address and localhost (repeatable; e.g. the name of your TLS proxy)', collect)
    .option('--reset-password', 'print a one-time link that sets a new admin password (ends the admin sessions when used)')
    .addHelpText(
      'after',
      `
The first start creates the only account, "admin": from LAUNCHREADY_ADMIN_PASSWORD when it is set
(at least 12 characters), otherwise through a printed one-time setup link. Later starts ignore the
variable (and say so when it differs); --reset-password prints a one-time link for a new password.
Requests whose Host header is not the bind address, localhost or an --allowed-host get 421, so a
web page cannot reach the dashboard through DNS rebinding. Failed sign-ins slow down the address
they come from (backoff), never the account.
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
        ...(flags.allowedHost ? { allowedHosts: flags.allowedHost.flatMap((h) => h.split(',')).map((h) => h.trim()).filter(Boolean) } : {}),
        ...(flags.resetPassword ? { resetPassword: true } : {}),
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
