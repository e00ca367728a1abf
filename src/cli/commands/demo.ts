import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { runAudit } from '../../app/audit.js';
import { setLoopbackOnly } from '../../net/loopback-guard.js';
import { parseFlaws, startDemoPortal } from '../../../examples/demo-portal/src/index.js';
import { emitReport, formatOption, prepareOut } from '../shared.js';
import type { Format } from '../../report/index.js';

/** examples/demo-portal/launchready.yml, from src/ or dist/src/. */
export function demoConfigPath(): string {
  const here = fileURLToPath(import.meta.url);
  const root = here.includes('/dist/') ? here.slice(0, here.lastIndexOf('/dist/')) : here.slice(0, here.lastIndexOf('/src/'));
  return `${root}/examples/demo-portal/launchready.yml`;
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('Start the bundled, deliberately flawed client portal on loopback and audit it')
    .addOption(new Option('--flaws <list>', 'flaws to switch on: all, none, or a comma-separated list').default('all'))
    .option('--serve-only', 'only serve the portal (until Ctrl-C); audit it yourself')
    .option('--port <n>', 'port on 127.0.0.1 (default: any free port)', (v) => {
      if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError(`--port expects 0–65535, got "${v}"`);
      return Number(v);
    })
    .addOption(formatOption())
    .option('-o, --out <file>', 'write the report to a file instead of stdout (its directory is created)')
    .option('-v, --verbose', 'list every finding')
    .addHelpText('after', '\nThe demo sends traffic only to 127.0.0.1 (the loopback guard is on). Flaw names: see examples/demo-portal/README.md.\nIt exits 0 once the report is printed, whatever the verdict; use launchready audit to gate a pipeline.')
    .action(async (flags: { flaws: string; serveOnly?: boolean; port?: number; format: Format; out?: string; verbose?: boolean }) => {
      prepareOut(flags.out);
      let flaws: string[];
      try {
        flaws = parseFlaws(flags.flaws);
      } catch (err) {
        throw Object.assign(new Error(`--flaws: ${(err as Error).message}`), { name: 'UsageError' });
      }
      setLoopbackOnly(true);
      const portal = await startDemoPortal({ host: '127.0.0.1', port: flags.port ?? 0, flaws });
      if (flags.serveOnly) {
        process.stdout.write(`Demo portal on ${portal.url} with ${portal.flaws.length} flaw(s): ${portal.flaws.join(', ') || 'none'}\n`);
        process.stdout.write(`Audit it: launchready audit ${portal.url} --config ${demoConfigPath()}\nCtrl-C to stop.\n`);
        await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
        await portal.close();
        return;
      }
      if (flags.format === 'text') process.stderr.write(`Demo portal on ${portal.url} (${portal.flaws.length} flaws on). Auditing…\n`);
      try {
        const report = await runAudit({ url: portal.url, configPath: demoConfigPath(), failOn: 'high', env: process.env });
        await emitReport(report, { format: flags.format, ...(flags.out ? { out: flags.out } : {}), verbose: flags.verbose ?? false });
        // The demo demonstrates: a finished audit exits 0 whatever its verdict (audit is for gating).
        process.exitCode = report.verdict === 'incomplete' && report.incomplete.some((r) => /interrupted/.test(r)) ? 3 : 0;
      } finally {
        await portal.close();
      }
    });
}
