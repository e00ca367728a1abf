#!/usr/bin/env node
// `npm run bench [-- NAME [ARGS…]]`: runs one benchmark, or (no NAME) the quick start-up benchmark
// and lists the others. Every benchmark sends traffic to loopback only and stops by itself.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Known benchmarks: entry file and what it measures. Any other bench/<dir>/run.ts is listed too. */
const KNOWN = {
  startup: ['startup/run.ts', 'whole-process start-up of --version, --help and scan vs node -e 0 (~30 s)'],
  secrets: ['secrets/run.ts', 'secret scanner recall/precision/throughput vs secretlint (minutes)'],
  load: ['load/compare.ts', 'load generator vs autocannon and wrk (about 5 minutes; --quick for a smoke run)'],
  vitals: ['vitals/compare.ts', 'page vitals vs Lighthouse 12 (DevTools throttling) on loopback pages (about 6 minutes; --quick)'],
  monitor: ['monitor/probes.ts', 'probes one monitor process sustains per 30 s interval (minutes; --quick for a smoke run)'],
};

function catalogue() {
  const all = { ...KNOWN };
  for (const d of readdirSync(HERE, { withFileTypes: true })) {
    if (!d.isDirectory() || d.name.startsWith('.') || all[d.name]) continue;
    const entry = ['run.ts', 'run.js', 'index.ts'].map((f) => `${d.name}/${f}`).find((f) => existsSync(join(HERE, f)));
    if (entry) all[d.name] = [entry, ''];
  }
  return Object.fromEntries(Object.entries(all).filter(([, [entry]]) => existsSync(join(HERE, entry))));
}

const [name = 'startup', ...rest] = process.argv.slice(2);
const benches = catalogue();
if (name === 'list' || name === '--help' || !benches[name]) {
  if (name !== 'list' && name !== '--help') console.error(`bench: no benchmark named "${name}"`);
  console.log('Benchmarks (npm run bench -- NAME [ARGS]):');
  for (const [n, [entry, what]] of Object.entries(benches)) console.log(`  ${n.padEnd(10)} bench/${entry}${what ? `  — ${what}` : ''}`);
  process.exit(name === 'list' || name === '--help' ? 0 : 2);
}
const [entry] = benches[name];
const tsx = join(HERE, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
const r = spawnSync(process.execPath, [tsx, join(HERE, entry), ...rest], { stdio: 'inherit' });
if (name === 'startup' && process.argv.length <= 2) {
  console.log('\nOther benchmarks (npm run bench -- NAME):');
  for (const [n, [e, what]] of Object.entries(benches)) if (n !== 'startup') console.log(`  ${n.padEnd(10)} bench/${e}${what ? `  — ${what}` : ''}`);
}
process.exit(r.status ?? 1);
