import { Command } from 'commander';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRun } from '../../app/run.js';
import { checks as deploymentChecks } from '../../checks/deployment/index.js';
import { checks as secretsChecks } from '../../checks/secrets/index.js';
import { ConfigSchema } from '../../config/schema.js';
import type { Check } from '../../engine/check.js';
import { runChecks } from '../../engine/runner.js';
import { applyBaseline, loadBaseline } from '../../model/baseline.js';
import type { Report } from '../../model/report.js';
import type { FailOn } from '../../model/severity.js';
import type { Format } from '../../report/index.js';
import { type SecretScanRequest } from '../../secrets/gatherers.js';
import { ScanInputError } from '../../secrets/scan.js';
import { collect, emitReport, failOnOption, failOnValue, formatOption, prepareOut } from '../shared.js';

export interface ScanOptions extends SecretScanRequest {
  failOn: FailOn;
  /** Baseline file (YAML or JSON list of `{id, reason, expires?}`), applied to every output format. */
  baseline?: string;
  signal?: AbortSignal;
  now?: Date;
}

/**
 * The checks `scan` runs: the secrets area (tree, history, bundles; the site scan needs a URL and is
 * audit-only), log leaks, and the env preflight checks of the deployment area.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function scanChecks(): Check<any>[] {
  return [
    ...secretsChecks.filter((c) => c.meta.id !== 'secrets/deployed-secret'),
    ...deploymentChecks.filter((c) => c.meta.id.startsWith('deployment/env-')),
  ];
}

/** `launchready scan` without the terminal: one report model, the same every renderer reads. */
export async function runScan(opts: ScanOptions): Promise<Report> {
  const startedAt = opts.now ?? new Date();
  const request: SecretScanRequest = { ...opts };
  delete (request as Partial<ScanOptions>).failOn;
  delete (request as Partial<ScanOptions>).baseline;
  delete (request as Partial<ScanOptions>).signal;
  delete (request as Partial<ScanOptions>).now;
  assertInputs(opts);
  // Loading the baseline first: a bad file is a usage error before any work is done.
  const baseline = opts.baseline ? await loadBaseline(opts.baseline) : undefined;
  const config = ConfigSchema.parse({ repo: opts.root });
  // scan sends no traffic: its run has a budget of one request and no origin in scope.
  const run = createRun({ config, scope: [], maxRequests: 1, maxRate: 1, timeoutMs: 1000, now: startedAt, ...(opts.signal ? { signal: opts.signal } : {}) });
  try {
    const checks = scanChecks();
    const result = await runChecks({
      checks,
      config,
      configDir: process.cwd(),
      target: { isDevelopment: false },
      http: run.http,
      options: run.options,
      env: {},
      ...(opts.signal ? { signal: opts.signal } : {}),
      checkDeadlineMs: 30 * 60_000,
      runDeadlineMs: 60 * 60_000,
      now: startedAt,
      services: { secretScan: request },
    });
    // A bad flag value (missing --bundles dir, --env-file) surfaces as a usage error, not a check error.
    const usage = result.findings.find((f) => f.status === 'error' && f.reason && /^--|no such directory/.test(f.reason));
    if (usage?.reason) throw new ScanInputError(usage.reason);
    const areas = [...new Set(checks.map((c) => c.meta.area))];
    let report = run.report(result, { target: resolve(opts.root), failOn: opts.failOn, areas });
    if (baseline) report = applyBaseline(report, baseline, startedAt, { failOn: opts.failOn });
    return report;
  } finally {
    await run.close();
  }
}

/** Bad paths are usage errors (exit 2) before any work starts. */
function assertInputs(opts: ScanOptions): void {
  const isDir = (p: string): boolean => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  if (!isDir(opts.root)) throw new ScanInputError(`${opts.root}: no such directory`);
  for (const b of opts.bundles ?? []) if (!isDir(b)) throw new ScanInputError(`--bundles ${b}: no such directory`);
  if (opts.envFile) {
    try {
      statSync(opts.envFile);
    } catch {
      throw new ScanInputError(`--env-file ${opts.envFile}: file not found`);
    }
  }
}

interface ScanFlags {
  history?: boolean;
  allFiles?: boolean;
  bundles?: string[];
  logs?: string[];
  envFile?: string;
  baseline?: string;
  format: Format;
  out?: string;
  failOn: string;
  verbose?: boolean;
}

export function scanCommand(): Command {
  return new Command('scan')
    .description('Scan a repository for secrets (working tree, git history, built bundles, source maps, logs) and check its environment variables')
    .argument('[path]', 'repository or directory to scan', '.')
    .option('--history', 'also scan every unique blob in the git history (each finding names the commit that introduced it)')
    .option('--all-files', 'scan files .gitignore excludes, and node_modules')
    .option('--bundles <dir>', 'built output to scan: minified bundles and .map files (repeatable)', collect)
    .option('--logs <glob>', 'log files to scan for secrets and PII, e.g. "logs/**/*.log" (repeatable)', collect)
    .option('--env-file <file>', 'the deploy environment (dotenv): every variable the code reads must be set in it')
    .option('--baseline <file>', 'accepted findings (id + reason [+ expires]) to leave out of every format')
    .addOption(formatOption())
    .option('-o, --out <file>', 'write the report to a file instead of stdout')
    .addOption(failOnOption())
    .option('-v, --verbose', 'list every finding in the text report')
    .addHelpText(
      'after',
      `
Exit codes: 0 ready, 1 not ready, 2 usage or configuration error, 3 incomplete.
Secret values are never printed: findings show a prefix (at most 4 characters), the length and a sha256.
Silence one line with a comment containing launchready-ignore (on the line or the line above).

Examples:
  launchready scan
  launchready scan . --history --format json --out secrets.json
  launchready scan --bundles dist --bundles .next/static --logs "logs/**/*.log"
  launchready scan --env-file .env.production --fail-on medium`,
    )
    .action(async (path: string, flags: ScanFlags) => {
      prepareOut(flags.out);
      const controller = new AbortController();
      const onSigint = (): void => controller.abort();
      process.once('SIGINT', onSigint);
      try {
        const report = await runScan({
          root: path,
          history: flags.history ?? false,
          allFiles: flags.allFiles ?? false,
          ...(flags.bundles ? { bundles: flags.bundles } : {}),
          ...(flags.logs ? { logs: flags.logs } : {}),
          ...(flags.envFile ? { envFile: flags.envFile } : {}),
          ...(flags.baseline ? { baseline: flags.baseline } : {}),
          failOn: failOnValue(flags.failOn),
          signal: controller.signal,
        });
        process.exitCode = await emitReport(report, { format: flags.format, ...(flags.out ? { out: flags.out } : {}), verbose: flags.verbose ?? false });
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
