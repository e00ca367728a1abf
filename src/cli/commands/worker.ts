import { Command, InvalidArgumentError, Option } from 'commander';

/**
 * `launchready worker --store postgres://… [--location eu-west] [--concurrency N] [--config FILE …]`:
 * one of any number of processes, on any number of machines, that run the fleet's monitor probes,
 * scheduled audits and notification deliveries from pg-boss queues in the team's PostgreSQL.
 * Everything heavy (pg-boss, the probes, the audit engine) loads inside the action.
 */

const LOCATION_RE = /^[a-z0-9][a-z0-9_-]{0,39}$/i;

function durationArg(flag: string, minMs: number): (v: string) => number {
  return (v) => {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(v.trim());
    const ms = m ? Number(m[1]) * (m[2] === 'm' ? 60_000 : m[2] === 'ms' ? 1 : 1000) : NaN;
    if (!(ms >= minMs)) throw new InvalidArgumentError(`${flag} expects a duration of at least ${minMs} ms such as 30s or 500ms, got "${v}"`);
    return ms;
  };
}

function locationArg(v: string): string {
  if (!LOCATION_RE.test(v)) throw new InvalidArgumentError(`--location expects a short name of letters, digits, - or _ (e.g. eu-west), got "${v}"`);
  return v.toLowerCase();
}

function concurrencyArg(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 1000) throw new InvalidArgumentError(`--concurrency expects a whole number from 1 to 1000, got "${v}"`);
  return Number(v);
}

function storeArg(v: string): string {
  if (!/^postgres(ql)?:\/\//i.test(v)) throw new InvalidArgumentError(`--store expects a postgres:// URL (workers coordinate through PostgreSQL; SQLite is for one process: use launchready monitor), got "${v.replace(/:[^:@/]*@/, ':***@')}"`);
  return v;
}

interface WorkerFlags {
  store: string;
  location: string;
  concurrency: number;
  connections?: number;
  config: string[];
  lease: number;
  poll: number;
  ca?: string;
  logLevel: string;
  allowShortIntervals?: boolean;
  planEvery?: number;
  heartbeat?: number;
}

export function workerCommand(): Command {
  return new Command('worker')
    .description('Run monitor probes, scheduled audits and alert deliveries for a fleet of products from PostgreSQL job queues, alongside any number of other workers.')
    .requiredOption('--store <url>', 'the team store: a postgres:// URL (the queue lives in the same database)', storeArg)
    .option('--location <name>', 'where this worker runs (e.g. eu-west); monitors with confirm: 2 alert only when two locations see a failure', locationArg, 'default')
    .option('--concurrency <n>', 'probe runs in flight at once in this process', concurrencyArg, 20)
    .option('-c, --config <file>', 'register (or update) this launchready.yml in the fleet before working; repeatable', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--connections <n>', 'PostgreSQL connections for probe results (default 4 + concurrency/10, at most 20)', concurrencyArg)
    .option('--lease <duration>', "how long a job is held: a dead worker's jobs go to others after this", durationArg('--lease', 2000), 30_000)
    .option('--poll <duration>', 'how often an idle worker asks for work (at least 500ms)', durationArg('--poll', 500), 1000)
    .option('--ca <file>', 'extra CA certificates (PEM) to trust for HTTPS and TLS probes')
    .option('--log-level <level>', 'pino log level: debug, info, warn, error', 'info')
    .addOption(new Option('--allow-short-intervals', 'tests and benchmarks: accept probe intervals below 5 s').hideHelp())
    .addOption(new Option('--plan-every <duration>', 'tests: how often slots are planned').argParser(durationArg('--plan-every', 100)).hideHelp())
    .addOption(new Option('--heartbeat <duration>', 'tests: worker heartbeat').argParser(durationArg('--heartbeat', 100)).hideHelp())
    .action(async (o: WorkerFlags) => {
      const [{ default: pino }, { FleetWorker }] = await Promise.all([import('pino'), import('../../worker/worker.js')]);
      let ca: string | undefined;
      if (o.ca) {
        const { readCaFile } = await import('../../app/audit.js');
        ca = readCaFile(o.ca);
      }
      const logger = pino({ level: o.logLevel, base: { app: 'launchready-worker', location: o.location } });
      const worker = new FleetWorker({
        storeUrl: o.store,
        location: o.location,
        concurrency: o.concurrency,
        ...(o.connections !== undefined ? { connections: o.connections } : {}),
        leaseMs: o.lease,
        pollMs: o.poll,
        logger,
        env: process.env,
        register: o.config,
        ...(o.allowShortIntervals ? { allowShortIntervals: true } : {}),
        ...(o.planEvery !== undefined ? { planEveryMs: o.planEvery } : {}),
        ...(o.heartbeat !== undefined ? { heartbeatMs: o.heartbeat } : {}),
        ...(ca ? { ca } : {}),
      });
      try {
        await worker.start();
      } catch (err) {
        await worker.stop(0).catch(() => undefined);
        if ((err as Error).name === 'ConfigError') throw err;
        const e = new Error(`cannot start the worker on ${o.store.replace(/:[^:@/]*@/, ':***@')}: ${(err as Error).message}`);
        e.name = 'UsageError';
        throw e;
      }
      await new Promise<void>((done) => {
        process.once('SIGINT', () => done());
        process.once('SIGTERM', () => done());
      });
      await worker.stop();
      process.exitCode = 0;
    });
}
