import { parseArgs } from 'node:util';
import { FLAWS, startDemoPortal } from './index.js';

/**
 * Serves the demo portal for a person to click through:
 *   node dist/examples/demo-portal/src/serve.js --port 8080 --flaws all
 * `launchready demo` is the product's way in; this entry is for working on the portal itself.
 */
const USAGE = `Usage: serve [--host 127.0.0.1] [--port 0] [--flaws all|none|LIST] [--log] [--list-flaws]`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '0' },
        flaws: { type: 'string', default: 'all' },
        log: { type: 'boolean', default: false },
        'list-flaws': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args['list-flaws']) {
    for (const f of FLAWS) console.log(`${f.name.padEnd(24)} ${f.area.padEnd(16)} ${f.inAll ? '     ' : '(opt)'} ${f.description}`);
    return 0;
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer from 0 to 65535, got "${args.port}"`);
    return 2;
  }
  let portal;
  try {
    portal = await startDemoPortal({ host: args.host, port, flaws: args.flaws, log: args.log });
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  console.log(`Demo portal listening on ${portal.url}`);
  console.log(`Flaws: ${portal.flaws.length ? portal.flaws.join(', ') : 'none'}`);
  console.log(`Sign in as alice@acme.test / alice-demo-pass (member) or adam@acme.test / adam-demo-pass (admin)`);
  const stop = (): void => {
    void portal.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
