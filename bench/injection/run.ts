/**
 * What the browser-injection, redirect, token and signed-cookie checks (issue #20) add to an audit:
 * requests and seconds on the demo portal (every flaw on, and none) and on the two fixture apps
 * (flawed and correct builds). "Added" subtracts a baseline run of only the shared gatherers those
 * checks reuse (identity logins, API surface, landing/login pages), which a full audit runs anyway.
 *
 *   npx tsx bench/injection/run.ts
 *
 * Loopback only (LAUNCHREADY_LOOPBACK_ONLY=1 is set here). Prints a table; no assertions.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { startDemoPortal } from '../../examples/demo-portal/src/index.js';
import { checks as authentication } from '../../src/checks/authentication/index.js';
import { checks as inputValidation } from '../../src/checks/input-validation/index.js';
import { checks as session } from '../../src/checks/session/index.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { defineCheck, type Check, type Gatherer } from '../../src/engine/check.js';
import { runChecks } from '../../src/engine/runner.js';
import { sessionsGatherer } from '../../src/identity/session.js';
import { HttpClient } from '../../src/net/http.js';
import { publicPagesGatherer } from '../../src/surface/pages.js';
import { apiSurfaceGatherer } from '../../src/surface/routes.js';
import { spaConfig, startSpaApp } from '../../test/fixtures/spa-app/server.js';
import { ssrConfig, startSsrApp } from '../../test/fixtures/ssr-forms-app/server.js';

process.env['LAUNCHREADY_LOOPBACK_ONLY'] = '1';

const IDS = ['input-validation/reflected-xss', 'input-validation/stored-xss', 'input-validation/dom-xss', 'input-validation/open-redirect', 'authentication/token-quality', 'authentication/password-policy', 'session/signed-cookie-secret'];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const CHECKS: Check<any>[] = [...inputValidation, ...authentication, ...session].filter((c) => IDS.includes(c.meta.id));

function baseline(id: string, g: Gatherer<unknown>) {
  return defineCheck({
    meta: { id: `bench/${id}`, area: 'authentication', severity: 'info', title: id, why: '', breaks: '', fix: '', references: [] },
    requires: { g },
    run: () => [],
  });
}
const BASELINE = [baseline('sessions', sessionsGatherer), baseline('surface', apiSurfaceGatherer), baseline('pages', publicPagesGatherer)];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function run(raw: unknown, checks: Check<any>[]): Promise<{ requests: number; seconds: number; fails: number; checks: Record<string, string> }> {
  const config = ConfigSchema.parse(raw);
  const baseUrl = new URL(config.target!);
  const http = new HttpClient({ maxRequests: 3000, rate: 50, timeoutMs: 10_000, maxBodyBytes: 1 << 21, scope: [baseUrl.origin] });
  const t0 = performance.now();
  try {
    const r = await runChecks({ checks, config, configDir: process.cwd(), target: { baseUrl, isDevelopment: true }, http, options: { allowWrites: false, seed: 7 }, env: {}, checkDeadlineMs: 90_000, runDeadlineMs: 300_000 });
    const byCheck: Record<string, string> = {};
    for (const f of r.findings) if (!f.check.startsWith('bench/')) byCheck[f.check] = byCheck[f.check] === 'fail' || f.status === 'fail' ? 'fail' : f.status;
    return { requests: http.stats.requests, seconds: (performance.now() - t0) / 1000, fails: r.findings.filter((f) => f.status === 'fail').length, checks: byCheck };
  } finally {
    await http.close();
  }
}

interface Target {
  name: string;
  start: () => Promise<{ config: unknown; close: () => Promise<void> }>;
}

const demoConfig = (url: string): unknown => {
  const raw = parse(readFileSync(new URL('../../examples/demo-portal/launchready.yml', import.meta.url), 'utf8').replace(/\$\{(\w+):-([^}]*)\}/g, '$2')) as Record<string, unknown>;
  return { ...raw, target: url };
};

const targets: Target[] = [
  ...(['all', 'none'] as const).map((flaws) => ({ name: `demo portal (--flaws ${flaws})`, start: async () => { const p = await startDemoPortal({ flaws }); return { config: demoConfig(p.url), close: () => p.close() }; } })),
  ...(['flawed', 'correct'] as const).map((mode) => ({ name: `ssr-forms-app (${mode})`, start: async () => { const a = await startSsrApp(mode); return { config: ssrConfig(a.url), close: () => a.close() }; } })),
  ...(['flawed', 'correct'] as const).map((mode) => ({ name: `spa-app (${mode})`, start: async () => { const a = await startSpaApp(mode); return { config: spaConfig(a.url), close: () => a.close() }; } })),
];

console.log('target | baseline req | with #20 checks req | added req | baseline s | with s | added s | fails | per check');
for (const t of targets) {
  const a = await t.start();
  const base = await run(a.config, BASELINE);
  await a.close();
  const b = await t.start();
  const full = await run(b.config, [...BASELINE, ...CHECKS]);
  await b.close();
  const per = Object.entries(full.checks).map(([k, v]) => `${k.split('/')[1]}=${v}`).join(' ');
  console.log(`${t.name} | ${base.requests} | ${full.requests} | ${full.requests - base.requests} | ${base.seconds.toFixed(1)} | ${full.seconds.toFixed(1)} | ${(full.seconds - base.seconds).toFixed(1)} | ${full.fails} | ${per}`);
}
