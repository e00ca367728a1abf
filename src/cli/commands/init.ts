import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { discover, starterConfig, type Discovery } from '../../app/init.js';
import { UsageError } from '../../app/audit.js';
import { writeAtomic } from '../shared.js';

export function initCommand(): Command {
  return new Command('init')
    .description('Write a commented launchready.yml, pre-filled with what a few GETs to URL discover')
    .argument('[url]', 'base URL of the running app')
    .option('-o, --out <file>', 'where to write it', 'launchready.yml')
    .option('--force', 'overwrite an existing file')
    .action(async (url: string | undefined, flags: { out: string; force?: boolean }) => {
      if (existsSync(flags.out) && !flags.force) throw new UsageError(`${flags.out} already exists (use --force to overwrite, or --out FILE)`);
      const d: Discovery = url ? await discover(url) : { notes: [] };
      writeAtomic(flags.out, starterConfig(d));
      const found = [d.openapi && `OpenAPI at ${d.openapi}`, d.loginPage && `login page ${d.loginPage}`, d.health && `health ${d.health}`, ...Object.entries(d.endpoints ?? {}).map(([k, v]) => `${k} ${v}`), d.routes?.length && `${d.routes.length} API route(s)`, d.crawl && `crawled ${d.crawl.pages} page(s) in ${(d.crawl.ms / 1000).toFixed(1)} s`].filter(Boolean);
      process.stdout.write(`Wrote ${flags.out}${found.length ? ` (found ${found.join(', ')})` : ''}.\n`);
      for (const n of d.notes) process.stdout.write(`Note: ${n}\n`);
      process.stdout.write('Next: add two identities in different tenants, then run: launchready audit --config ' + flags.out + '\n');
    });
}
