import { Command, CommanderError } from 'commander';
import { TOOL } from '../app/tool.js';
import { EXIT } from './exit.js';

/** Errors that are the user's to fix: one clear line, exit 2, never a stack trace. */
const USER_ERRORS = new Set(['ConfigError', 'UsageError', 'OverrideSyntaxError', 'BaselineError', 'DnsServerSyntaxError', 'ScanInputError']);

/**
 * Every command, loaded only when it runs (or its own --help is asked for). `--version`, `--help`
 * and a typo load commander and this table, nothing else: Chromium, fastify, SQLite and pg are
 * imported by the commands that use them. `term` is the left column of `launchready --help`.
 * A new command appends one row here.
 */
export interface CommandEntry {
  name: string;
  term: string;
  description: string;
  load: () => Promise<Command>;
}

export const COMMANDS: CommandEntry[] = [
  {
    name: 'audit',
    term: 'audit [options] [url]',
    description: 'Probe the running app (and its config, domains, repo) and judge the launch checklist',
    load: async () => (await import('./commands/audit.js')).auditCommand(),
  },
  {
    name: 'scan',
    term: 'scan [options] [path]',
    description: 'Scan a repository for secrets (working tree, git history, built bundles, source maps, logs) and check its environment variables',
    load: async () => (await import('./commands/scan.js')).scanCommand(),
  },
  {
    name: 'domain',
    term: 'domain [options] <domain>',
    description: 'Check a domain as customers reach it: DNS, redirects, TLS and certificates, HSTS, CDN/WAF, and mail authentication (SPF, DKIM, DMARC)',
    load: async () => (await import('./commands/domain.js')).domainCommand(),
  },
  {
    name: 'mail-check',
    term: 'mail-check [options] [message]',
    description: 'Check that a real message your app sent authenticates as receivers see it: SPF for the sending server, DKIM, DMARC alignment, ARC',
    load: async () => (await import('./commands/mail-check.js')).mailCheckCommand(),
  },
  {
    name: 'load',
    term: 'load [options] [url]',
    description: 'Load the core actions (open model: fixed arrival rate; closed model: N users) and judge p95 per action',
    load: async () => (await import('./commands/load.js')).loadCommand(),
  },
  {
    name: 'init',
    term: 'init [options] [url]',
    description: 'Write a commented launchready.yml, pre-filled with what a few GETs to URL discover',
    load: async () => (await import('./commands/init.js')).initCommand(),
  },
  {
    name: 'monitor',
    term: 'monitor [options]',
    description: 'Watch the live product: uptime, synthetic login, API, certificate, DNS/mail drift and webhooks; alert by webhook, Slack or email; serve /status and /metrics.',
    load: async () => (await import('./commands/monitor.js')).monitorCommand(),
  },
  {
    name: 'serve',
    term: 'serve [options]',
    description: 'Start the dashboard: audit history per target, score trends, run comparison, findings and the monitor status, behind its own login',
    load: async () => (await import('./commands/serve.js')).serveCommand(),
  },
  {
    name: 'demo',
    term: 'demo [options]',
    description: 'Start the bundled, deliberately flawed client portal on loopback and audit it',
    load: async () => (await import('./commands/demo.js')).demoCommand(),
  },
  {
    name: 'worker',
    term: 'worker [options]',
    description: 'Run monitor probes, scheduled audits and alert deliveries for a fleet of products from PostgreSQL job queues, alongside any number of other workers.',
    load: async () => (await import('./commands/worker.js')).workerCommand(),
  },
];

/** The command argv asks for (`launchready help X` asks for X's help), or undefined. */
export function requestedCommand(argv: readonly string[]): string | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const first = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.some((c) => c.name === first) ? first : undefined;
}

/** A placeholder that lists the command in `--help` and lets commander suggest it for a typo. */
function stub(entry: CommandEntry): Command {
  return new Command(entry.name).description(entry.description).action(() => {
    throw new Error(`command ${entry.name} was not loaded`);
  });
}

/**
 * The program with `load` (names from COMMANDS) fully built and every other command as a
 * placeholder. `buildProgram(COMMANDS.map(c => c.name))` builds everything (tests, docs).
 */
export async function buildProgram(load: readonly string[] = COMMANDS.map((c) => c.name)): Promise<Command> {
  const terms = new Map(COMMANDS.map((c) => [c.name, c.term]));
  const program = new Command('launchready')
    .description(
      'Is your web product ready for real customers, and what do you fix first?\nProbes the running app, its repo, domain and mail setup; judges the launch checklist; prints a scorecard, a verdict and the top blockers in fix order.',
    )
    .version(TOOL.version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) })
    .configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? `${cmd.name()}${cmd.options.length ? ' [options]' : ''}` })
    .exitOverride();
  for (const entry of COMMANDS) program.addCommand(load.includes(entry.name) ? await entry.load() : stub(entry));
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
  const wanted = requestedCommand(argv);
  try {
    const program = await buildProgram(wanted ? [wanted] : []);
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
