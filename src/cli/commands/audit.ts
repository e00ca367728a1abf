import { setMaxListeners } from 'node:events';
import { Command } from 'commander';
import { resolve as resolvePath } from 'node:path';
import { parseAreaList, prepare, runAudit } from '../../app/audit.js';
import { applyAcceptedFindings } from '../../app/baseline.js';
import type { Report } from '../../model/report.js';
import type { Format } from '../../report/index.js';
import { collect, emitReport, failOnOption, failOnValue, formatOption, positiveInt, positiveNumber, MAX_REQUESTS_LIMIT, prepareOut } from '../shared.js';
import { terminalProgress } from '../progress.js';

interface AuditFlags {
  iOwnThisTarget?: boolean;
  save?: string | boolean;
  baseline?: string;
  config?: string;
  only?: string;
  skip?: string;
  format: Format;
  out?: string;
  failOn: string;
  resolve?: string[];
  connectTo?: string[];
  dns?: string;
  ca?: string;
  maxRequests?: number;
  maxRate?: number;
  timeout?: number;
  allowWrites?: boolean;
  verbose?: boolean;
}

/** Keeps the report for the dashboard; a store problem is reported, never a lost report (it was already printed). */
async function saveToStore(report: Report, spec: string | undefined): Promise<void> {
  // The store (SQLite or pg) is loaded only when --save asks for it.
  const [{ openStore, DEFAULT_STORE_PATH }, { saveReport }] = await Promise.all([import('../../store/index.js'), import('../../dashboard/save.js')]);
  const store = await openStore(spec);
  try {
    const id = await saveReport(store, report);
    const where = !spec ? DEFAULT_STORE_PATH : /^postgres(ql)?:\/\//.test(spec) ? redactUrl(spec) : spec;
    process.stderr.write(`Saved as audit ${id} in ${where} (see it with: launchready serve${spec ? ` --db ${where}` : ''}).\n`);
  } finally {
    await store.close();
  }
}

/** A postgres:// URL without its password, for a message. */
function redactUrl(spec: string): string {
  try {
    const u = new URL(spec);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return 'the PostgreSQL store';
  }
}

export function auditCommand(): Command {
  return new Command('audit')
    .description('Probe the running app (and its config, domains, repo) and judge the launch checklist')
    .argument('[url]', 'base URL of the app; overrides target: in the config')
    .option('-c, --config <file>', 'launchready.yml with identities, API surface, domains, thresholds')
    .option('--only <areas>', 'comma-separated areas to run (e.g. authorization,session)')
    .option('--skip <areas>', 'comma-separated areas to leave out')
    .addOption(formatOption())
    .option('-o, --out <file>', 'write the report to a file instead of stdout')
    .addOption(failOnOption())
    .option('--baseline <file>', 'accepted findings (id + reason + optional expiry) left out of the verdict, score and every format')
    .option('--resolve <host:port:address>', "connect to ADDRESS for HOST:PORT, keeping the port (curl's meaning); repeatable", collect)
    .option('--connect-to <host:port:host2:port2>', 'connect to HOST2:PORT2 for HOST:PORT (curl); repeatable', collect)
    .option('--dns <server[:port]>', 'DNS server for every name lookup (e.g. 127.0.0.1:5353 or [::1]:53)')
    .option('--ca <file>', 'extra CA certificates (PEM) to trust')
    .option('--max-requests <n>', 'request budget for the whole run (default 3000)', positiveInt('--max-requests', MAX_REQUESTS_LIMIT))
    .option('--max-rate <n>', 'requests per second across the run (default 50)', positiveNumber('--max-rate'))
    .option('--timeout <ms>', 'deadline per request in ms (default 10000)', positiveInt('--timeout'))
    .option('--allow-writes', 'allow writes to objects launchready did not create (off by default)')
    .option('--i-own-this-target', 'you own the target (or may load-test it): the performance area may exceed 50 requests/s')
    .option('--save [db]', 'keep the report in the store for launchready serve (default .launchready/launchready.db, or a postgres:// URL)')
    .option('-v, --verbose', 'list every finding in the text report')
    .addHelpText(
      'after',
      `
Exit codes: 0 ready, 1 not ready, 2 usage or configuration error, 3 incomplete.
Areas: authentication authorization session secrets input-validation rate-limiting cors-csrf
       logging domain-tls edge email performance monitoring deployment

Examples:
  launchready audit https://app.example.com
  launchready audit --config launchready.yml --format json --out report.json
  launchready audit https://app.example.com --resolve app.example.com:443:203.0.113.7 --only domain-tls,edge`,
    )
    .action(async (url: string | undefined, flags: AuditFlags) => {
      prepareOut(flags.out);
      const controller = new AbortController();
      setMaxListeners(0, controller.signal);
      let interrupts = 0;
      const onSigint = (): void => {
        interrupts += 1;
        if (interrupts > 1) process.exit(130);
        process.stderr.write('\nInterrupted: finishing with a partial report (Ctrl-C again to quit now)\n');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      const progress = flags.format === 'json' ? undefined : terminalProgress(process.stderr, flags.maxRequests ?? 3000);
      try {
        const prepared = prepare({ ...(url ? { url } : {}), ...(flags.config ? { configPath: flags.config } : {}), env: process.env });
        let report = await runAudit({
          prepared,
          ...(url ? { url } : {}),
          ...(flags.config ? { configPath: flags.config } : {}),
          ...(flags.only ? { only: parseAreaList('--only', flags.only) } : {}),
          ...(flags.skip ? { skip: parseAreaList('--skip', flags.skip) } : {}),
          failOn: failOnValue(flags.failOn),
          ...(flags.maxRequests ? { maxRequests: flags.maxRequests } : {}),
          ...(flags.maxRate ? { maxRate: flags.maxRate } : {}),
          ...(flags.timeout ? { timeoutMs: flags.timeout } : {}),
          allowWrites: flags.allowWrites ?? false,
          ownsTarget: flags.iOwnThisTarget ?? false,
          resolve: flags.resolve ?? [],
          connectTo: flags.connectTo ?? [],
          ...(flags.ca ? { caFile: flags.ca } : {}),
          ...(flags.dns ? { dns: flags.dns } : {}),
          env: process.env,
          signal: controller.signal,
          ...(progress ? { progress } : {}),
        });
        progress?.done();
        const baselineFile = flags.baseline ?? (prepared.config.baseline ? resolvePath(prepared.configDir, prepared.config.baseline) : undefined);
        report = await applyAcceptedFindings(report, {
          ...(baselineFile ? { baselineFile } : {}),
          ...(prepared.config.repo ? { repoDir: resolvePath(prepared.configDir, prepared.config.repo) } : {}),
          failOn: failOnValue(flags.failOn),
        });
        process.exitCode = await emitReport(report, { format: flags.format, ...(flags.out ? { out: flags.out } : {}), verbose: flags.verbose ?? false, config: prepared.config });
        if (flags.save) await saveToStore(report, typeof flags.save === 'string' ? flags.save : undefined);
      } finally {
        progress?.done();
        process.off('SIGINT', onSigint);
      }
    });
}
