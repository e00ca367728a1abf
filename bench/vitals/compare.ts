/**
 * Page-vitals benchmark: launchready's measurement (src/browser/vitals.ts) next to Lighthouse 12 in
 * DevTools throttling mode — the mode launchready claims — on the same loopback pages, with the same
 * Debian Chromium, in one run. Lighthouse's simulated ("lantern", what PageSpeed Insights shows)
 * numbers are printed too, for information.
 *
 *   npx tsx bench/vitals/compare.ts            # 3 runs per page and tool (about 6 minutes)
 *   npx tsx bench/vitals/compare.ts --quick    # 1 run per page and tool
 *
 * Lighthouse is not a dependency of launchready: the first run installs lighthouse@12 from the npm
 * registry into bench/.work/lighthouse (Lighthouse 13 needs Node 22). Numbers are written to
 * bench/.work/vitals-compare.json. Goal: median LCP ratio ours ÷ Lighthouse-devtools within 0.9–1.1.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_FLAGS, DEFAULT_CHROMIUM, launchChromium } from '../../src/browser/chromium.js';
import { measurePage, median } from '../../src/browser/vitals.js';
import { setLoopbackOnly } from '../../src/net/loopback-guard.js';
import { startVitalsSite, VITALS_PAGES } from '../../test/fixtures/vitals-pages.js';

// Benchmarks send traffic to loopback only; the guard makes a mistake here fail instead of leak.
setLoopbackOnly(true);

const here = dirname(fileURLToPath(import.meta.url));
const work = join(here, '..', '.work');
const lhDir = join(work, 'lighthouse');
const lhCli = join(lhDir, 'node_modules', 'lighthouse', 'cli', 'index.js');
const quick = process.argv.includes('--quick');
const RUNS = quick ? 1 : 3;
const chromiumPath = process.env['LAUNCHREADY_CHROMIUM'] ?? DEFAULT_CHROMIUM;

interface Metrics {
  lcp?: number;
  fcp?: number;
  tbt?: number;
  cls?: number;
  server?: number;
}

function ensureLighthouse(): void {
  if (existsSync(lhCli)) return;
  mkdirSync(lhDir, { recursive: true });
  writeFileSync(join(lhDir, 'package.json'), JSON.stringify({ name: 'lighthouse-peer', private: true }));
  console.log('installing lighthouse@12 into bench/.work/lighthouse (npm registry) …');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', 'lighthouse@12'], { cwd: lhDir, stdio: 'inherit' });
}

function lighthouseOnce(url: string, method: 'devtools' | 'simulate'): Promise<Metrics> {
  const out = join(work, `lh-${method}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [lhCli, url, '--quiet', '--output=json', `--output-path=${out}`, '--only-categories=performance', `--throttling-method=${method}`, `--chrome-flags=${CHROMIUM_FLAGS.join(' ')}`],
      { env: { ...process.env, CHROME_PATH: chromiumPath }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`lighthouse exited ${code}: ${err.slice(-400)}`));
      const r = JSON.parse(readFileSync(out, 'utf8')) as { audits: Record<string, { numericValue?: number }>; runtimeError?: { code: string } };
      if (r.runtimeError) return reject(new Error(`lighthouse: ${r.runtimeError.code}`));
      const a = r.audits;
      resolve({
        ...(a['largest-contentful-paint']?.numericValue !== undefined ? { lcp: a['largest-contentful-paint'].numericValue } : {}),
        ...(a['first-contentful-paint']?.numericValue !== undefined ? { fcp: a['first-contentful-paint'].numericValue } : {}),
        ...(a['total-blocking-time']?.numericValue !== undefined ? { tbt: a['total-blocking-time'].numericValue } : {}),
        ...(a['cumulative-layout-shift']?.numericValue !== undefined ? { cls: a['cumulative-layout-shift'].numericValue } : {}),
        ...(a['server-response-time']?.numericValue !== undefined ? { server: a['server-response-time'].numericValue } : {}),
      });
    });
  });
}

function med(list: Metrics[], k: keyof Metrics): number | undefined {
  return median(list.flatMap((m) => (m[k] !== undefined ? [m[k]!] : [])));
}

const fmt = (n: number | undefined, digits = 0): string => (n === undefined ? '—' : n.toFixed(digits));
const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined || b === 0 ? '—' : (a / b).toFixed(2));

async function main(): Promise<void> {
  mkdirSync(work, { recursive: true });
  ensureLighthouse();
  const site = await startVitalsSite();
  const chromium = await launchChromium();
  const rows: Array<{ page: string; ours: Metrics; devtools: Metrics; simulate: Metrics; oursRuns: Metrics[]; devtoolsRuns: Metrics[] }> = [];
  console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${RUNS} run(s) per page and tool`);
  try {
    for (const [name, path] of Object.entries(VITALS_PAGES)) {
      const url = site.url + path;
      const oursRuns: Metrics[] = [];
      const devtoolsRuns: Metrics[] = [];
      // Alternate the tools run by run, so a noisy neighbour hurts both alike.
      for (let i = 0; i < RUNS; i++) {
        const v = await measurePage(chromium, url, { runs: 1 });
        const r = v.runs[0]!;
        if (r.error) throw new Error(`ours on ${name}: ${r.error}`);
        oursRuns.push({ ...(r.lcpMs !== undefined ? { lcp: r.lcpMs } : {}), ...(r.fcpMs !== undefined ? { fcp: r.fcpMs } : {}), tbt: r.tbtMs, cls: r.cls, ...(r.serverMs !== undefined ? { server: r.serverMs } : {}) });
        devtoolsRuns.push(await lighthouseOnce(url, 'devtools'));
      }
      const simulate = await lighthouseOnce(url, 'simulate');
      const pick = (list: Metrics[]): Metrics => Object.fromEntries((['lcp', 'fcp', 'tbt', 'cls', 'server'] as const).flatMap((k) => (med(list, k) !== undefined ? [[k, med(list, k)]] : [])));
      const row = { page: name, ours: pick(oursRuns), devtools: pick(devtoolsRuns), simulate, oursRuns, devtoolsRuns };
      rows.push(row);
      console.log(`${name.padEnd(20)} LCP ours ${fmt(row.ours.lcp)} ms · LH devtools ${fmt(row.devtools.lcp)} ms · ratio ${ratio(row.ours.lcp, row.devtools.lcp)} · LH simulate ${fmt(simulate.lcp)} ms`);
    }
  } finally {
    await chromium.close();
    await site.close();
  }
  console.log('\nmedians (ms; CLS unitless); ratio = ours ÷ Lighthouse devtools');
  console.log('| page | LCP ours | LCP LH devtools | ratio | FCP ours | FCP LH | ratio | TBT ours | TBT LH | CLS ours | CLS LH | LCP LH simulate |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.page} | ${fmt(r.ours.lcp)} | ${fmt(r.devtools.lcp)} | ${ratio(r.ours.lcp, r.devtools.lcp)} | ${fmt(r.ours.fcp)} | ${fmt(r.devtools.fcp)} | ${ratio(r.ours.fcp, r.devtools.fcp)} | ${fmt(r.ours.tbt)} | ${fmt(r.devtools.tbt)} | ${fmt(r.ours.cls, 3)} | ${fmt(r.devtools.cls, 3)} | ${fmt(r.simulate.lcp)} |`,
    );
  }
  const ratios = rows.flatMap((r) => (r.ours.lcp !== undefined && r.devtools.lcp ? [r.ours.lcp / r.devtools.lcp] : []));
  const inGoal = ratios.filter((x) => x >= 0.9 && x <= 1.1).length;
  console.log(`\nLCP ratio range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; ${inGoal}/${ratios.length} pages within the 0.9–1.1 goal; load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  writeFileSync(join(work, 'vitals-compare.json'), JSON.stringify({ at: new Date().toISOString(), runs: RUNS, rows }, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
