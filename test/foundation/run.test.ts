import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRun } from '../../src/app/run.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { runChecks } from '../../src/engine/runner.js';
import { defineCheck, defineGatherer } from '../../src/engine/check.js';
import { startServer } from '../helpers.js';

const config = ConfigSchema.parse({ budget: { maxRequests: 7, rate: 5, timeoutMs: 1234 } });

describe('createRun: one application layer for audit, domain, scan and load', () => {
  it('the HTTP client takes the config budget, flags override it, and the scope is what the command gives', async () => {
    const a = createRun({ config, scope: ['http://127.0.0.1:1'] });
    const b = createRun({ config, scope: [], maxRequests: 2 });
    try {
      expect(a.http.maxRequests).toBe(7);
      expect(b.http.maxRequests).toBe(2);
      expect(a.http.inScope('http://127.0.0.1:1/x')).toBe(true);
      expect(b.http.inScope('http://127.0.0.1:1/x')).toBe(false);
      expect(a.options).toMatchObject({ allowWrites: false, seed: 1, overrides: [] });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('bad --resolve, --dns and --ca are usage errors before any traffic, naming the flag', () => {
    expect(() => createRun({ config, scope: [], resolve: ['app.example.com:443'] })).toThrow(expect.objectContaining({ name: 'UsageError', message: expect.stringMatching(/--resolve/) }));
    expect(() => createRun({ config, scope: [], dns: 'not a server:99999' })).toThrow(expect.objectContaining({ name: 'UsageError' }));
    expect(() => createRun({ config, scope: [], caFile: '/nonexistent.pem' })).toThrow(/--ca \/nonexistent.pem: file not found/);
    const dir = mkdtempSync(join(tmpdir(), 'lr-run-'));
    writeFileSync(join(dir, 'x.pem'), 'not a certificate');
    expect(() => createRun({ config, scope: [], caFile: join(dir, 'x.pem') })).toThrow(/no PEM certificate/);
  });

  it('--resolve and --dns reach the run options the checks see; a resolver is built only for --dns', async () => {
    const r = createRun({ config, scope: [], resolve: ['app.example.com:443:127.0.0.1'], dns: '127.0.0.1:5353' });
    try {
      expect(r.options.overrides).toHaveLength(1);
      expect(r.options.dnsServers).toEqual([{ host: '127.0.0.1', port: 5353 }]);
      expect(r.resolver).toBeDefined();
    } finally {
      await r.close();
    }
    const plain = createRun({ config, scope: [] });
    expect(plain.resolver).toBeUndefined();
    await plain.close();
  });

  it('report(): the stats count the requests the run sent, and `areas` limits the scorecard', async () => {
    const app = await startServer((_req, res) => res.end('ok'));
    const run = createRun({ config, scope: [app.url] });
    const page = defineGatherer({ id: 'run-test/page', gather: async (ctx) => (await ctx.http.request({ url: `${app.url}/` })).response?.status });
    const probe = defineCheck({
      meta: { id: 'edge/run-test', area: 'edge', severity: 'medium', title: 'run test', why: 'w', breaks: 'b', fix: 'f', references: [] },
      requires: { page },
      run: ({ page: status }) => (status === 200 ? [{ status: 'fail', location: {} }] : []),
    });
    try {
      const result = await runChecks({ checks: [probe], config, configDir: '.', target: { baseUrl: new URL(app.url), isDevelopment: true }, http: run.http, options: run.options, env: {}, checkDeadlineMs: 10_000, runDeadlineMs: 10_000 });
      const full = run.report(result, { target: app.url, failOn: 'high' });
      const edgeOnly = run.report(result, { target: app.url, failOn: 'high', areas: ['edge'] });
      expect(full.stats.requests).toBe(1);
      expect(full.scorecard.length).toBeGreaterThan(1);
      expect(edgeOnly.scorecard.map((r) => r.area)).toEqual(['edge']);
      expect(edgeOnly.startedAt).toBe(run.startedAt.toISOString());
    } finally {
      await run.close();
      await app.close();
    }
  });
});
