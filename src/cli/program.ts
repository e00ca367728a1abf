import { Command, CommanderError } from 'commander';
import { TOOL } from '../app/tool.js';
import { auditCommand } from './commands/audit.js';
import { demoCommand } from './commands/demo.js';
import { domainCommand } from './commands/domain.js';
import { initCommand } from './commands/init.js';
import { loadCommand } from './commands/load.js';
import { mailCheckCommand } from './commands/mail-check.js';
import { monitorCommand } from './commands/monitor.js';
import { scanCommand } from './commands/scan.js';
import { serveCommand } from './commands/serve.js';
import { EXIT } from './shared.js';

/** Errors that are the user's to fix: one clear line, exit 2, never a stack trace. */
const USER_ERRORS = new Set(['ConfigError', 'UsageError', 'OverrideSyntaxError', 'BaselineError', 'DnsServerSyntaxError']);

export function buildProgram(): Command {
  const program = new Command('launchready')
    .description(
      'Is your web product ready for real customers, and what do you fix first?\nProbes the running app, its repo, domain and mail setup; judges the launch checklist; prints a scorecard, a verdict and the top blockers in fix order.',
    )
    .version(TOOL.version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) })
    .exitOverride();
  program.addCommand(auditCommand());
  program.addCommand(scanCommand());
  program.addCommand(domainCommand());
  program.addCommand(mailCheckCommand());
  program.addCommand(loadCommand());
  program.addCommand(initCommand());
  program.addCommand(monitorCommand());
  program.addCommand(serveCommand());
  program.addCommand(demoCommand());
  program.addHelpText(
    'after',
    `
Exit codes: 0 ready, 1 not ready, 2 usage or configuration error, 3 incomplete.
Start here:  launchready demo        (audits a deliberately flawed portal on this machine)
             launchready init URL    (writes a commented launchready.yml)`,
  );
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return EXIT.usage;
    }
    if (err instanceof Error && USER_ERRORS.has(err.name)) {
      process.stderr.write(`launchready: ${err.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`launchready: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\nPlease report this bug.\n`);
    return EXIT.incomplete;
  }
}
