import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/app/audit.js';
import { loadConfigFromFlags, renderLoadRun, runLoad } from '../../src/cli/commands/load.js';
import { ConfigSchema } from '../../src/config/schema.js';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/api/slow') setTimeout(() => res.end('{}'), 600);
    else {
      res.setHeader('server-timing', 'db;dur=2.5');
      res.end('{}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('launchready load', () => {
  it('loads the given actions, prints the per-route table and is not ready when one p95 is over the threshold', async () => {
    const run = await runLoad({ url: base, actions: ['/api/fast', 'GET /api/slow'], rate: 10, duration: '1500ms', warmup: '0s', env: {} });
    expect(run.report.verdict).toBe('not-ready');
    expect(run.report.latency['GET /api/slow']!.p95).toBeGreaterThan(500);
    expect(run.report.latency['GET /api/fast']!.p95).toBeLessThan(500);
    const text = renderLoadRun(run);
    expect(text).toMatch(/open model: 10 requests\/s on a fixed schedule/);
    expect(text).toMatch(/GET \/api\/slow\s+7\s+0\s+6\d\d ms/);
    expect(text).toMatch(/Server-Timing db: p50 2\.50 ms/);
    expect(text).toMatch(/FAIL {2}GET \/api\/slow is slow under load/);
    expect(text).toMatch(/verdict: not-ready/);
  });

  it('is ready when every action is fast', async () => {
    const run = await runLoad({ url: base, actions: ['/api/fast'], concurrency: 2, duration: '500ms', warmup: '0s', env: {} });
    expect(run.report.verdict).toBe('ready');
    expect(run.load?.result.model).toBe('closed');
  });

  it('refuses a rate above the conservative limit unless the user says they own the target', () => {
    const config = ConfigSchema.parse({ target: base });
    expect(() => loadConfigFromFlags(config, { rate: 200, env: {} })).toThrow(UsageError);
    expect(() => loadConfigFromFlags(config, { rate: 200, env: {} })).toThrow(/--i-own-this-target/);
    expect(loadConfigFromFlags(config, { rate: 200, ownsTarget: true, env: {} }).load?.rate).toBe(200);
    expect(() => loadConfigFromFlags(config, { rate: 5, concurrency: 2, env: {} })).toThrow(/not both/);
    expect(() => loadConfigFromFlags(config, { duration: 'soon', env: {} })).toThrow(/--duration/);
  });
});
