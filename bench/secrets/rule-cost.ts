/**
 * Which rules cost the most: times each rule's regex over the windows the engine would give it, on a
 * slice of node_modules (real code, no secrets).  npx tsx bench/secrets/rule-cost.ts [--mb 15]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KeywordPrefilter } from '../../src/secrets/prefilter.js';
import { RULES } from '../../src/secrets/rules/index.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const args = process.argv.slice(2);
const MB = Number(args[args.indexOf('--mb') + 1] || 15);
const files: string[] = [];
let bytes = 0;
const walk = (d: string): void => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    if (bytes > MB * 1024 * 1024) return;
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.(m?js|cjs|ts|json|md)$/.test(e.name) && statSync(p).size < 2e6) {
      files.push(p);
      bytes += statSync(p).size;
    }
  }
};
for (const p of ['typescript', 'vite', 'esbuild', 'undici', 'zod', 'fastify', 'pino', 'ajv', 'mailauth', 'pg', 'nodemailer']) {
  try {
    walk(join(ROOT, 'node_modules', p));
  } catch {
    /* missing */
  }
}
const texts = files.map((f) => readFileSync(f, 'latin1'));
const kw = [...new Set(RULES.flatMap((r) => r.keywords.map((k) => k.toLowerCase())))];
const pf = new KeywordPrefilter(kw);
const cost = new Map<string, number>();
let pfMs = 0;
for (const text of texts) {
  const t = performance.now();
  const pos = pf.positions(text);
  pfMs += performance.now() - t;
  const present = new Set([...pos.keys()].map((i) => kw[i]!));
  for (const r of RULES) {
    if (!r.keywords.some((k) => present.has(k.toLowerCase()))) continue;
    const re = new RegExp(r.pattern.source, r.pattern.flags.replace(/[gd]/g, '') + 'g');
    const t0 = performance.now();
    let guard = 0;
    while (re.exec(text) !== null && ++guard < 10000);
    cost.set(r.id, (cost.get(r.id) ?? 0) + performance.now() - t0);
  }
}
console.log(`${files.length} files, ${(bytes / 1048576).toFixed(1)} MB; prefilter ${pfMs.toFixed(0)} ms`);
for (const [id, ms] of [...cost].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${ms.toFixed(0).padStart(6)} ms  ${id}`);
