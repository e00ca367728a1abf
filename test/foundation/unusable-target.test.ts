import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, UsageError } from '../../src/app/audit.js';
import type { Report } from '../../src/model/report.js';
import { render } from '../../src/report/index.js';
import { BIN, runCli, startServer } from '../helpers.js';

/** A config that asks for the API surface and a login: plenty of checks that depend on the target. */
const CONFIG = `
api: { openapi: /openapi.json, routes: ["GET /api/items/{id}"] }
identities:
  alice: { tenant: a, login: { kind: json, url: /api/login, json: { email: a@a.test, password: pw-123456 }, tokenPath: /token } }
budget: { deadlineMs: 25000 }
`;

const FIFTY_MB = (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'text/html' });
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  let sent = 0;
  const pump = (): void => {
    while (sent < 50 && !res.destroyed) {
      sent++;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
};

async function closedPortUrl(): Promise<string> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

function expectUngraded(report: Report, why: RegExp): void {
  expect(report.verdict).toBe('incomplete');
  expect(report.score).toBeNull();
  expect(report.scoreNote).toMatch(/^no score: target not tested/);
  expect(report.scoreNote).toMatch(why);
  expect(report.incomplete[0] ?? '').toBeDefined();
  expect(report.incomplete.join('\n')).toMatch(/target not tested/);
  // Nothing about the target passed: not "CORS pass on a closed port".
  const passes = report.findings.filter((f) => f.status === 'pass');
  expect(passes.map((f) => f.check)).toEqual([]);
  expect(report.findings.some((f) => f.status === 'error' && /target could not be tested/.test(f.reason ?? ''))).toBe(true);
  // Every format says it, and none prints a number where there is no score.
  expect(render(report, 'text')).toMatch(/no score: target not tested/);
  expect(render(report, 'md')).toMatch(/no score: target not tested/);
  expect(render(report, 'html')).toMatch(/no score: target not tested/);
  expect(JSON.parse(render(report, 'json')).score).toBeNull();
  expect(JSON.parse(render(report, 'sarif')).runs[0].properties.score).toBeNull();
  expect(render(report, 'junit')).toMatch(/name="score" value="none"/);
}

describe('an unusable target is never graded', () => {
  let dir: string;
  const servers: Array<{ close(): Promise<void> }> = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lr-unusable-'));
    writeFileSync(join(dir, 'launchready.yml'), CONFIG);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('a closed port: incomplete, no pass, no score — and no request after the baseline', async () => {
    const url = await closedPortUrl();
    const report = await runAudit({ url, configPath: join(dir, 'launchready.yml'), failOn: 'high', env: {}, timeoutMs: 1500 });
    expectUngraded(report, /connection refused/);
    expect(report.stats.requests).toBe(1);
  });

  it('a target that hangs: incomplete, no pass, no score, within the deadline', async () => {
    let requests = 0;
    const srv = await startServer(() => {
      requests += 1; /* never answers */
    });
    servers.push(srv);
    const t0 = Date.now();
    const report = await runAudit({ url: srv.url, configPath: join(dir, 'launchready.yml'), failOn: 'high', env: {}, timeoutMs: 1500 });
    expectUngraded(report, /no complete answer within 1500 ms/);
    // The hanging target is left alone after the baseline: one request, not thousands.
    expect(requests).toBe(1);
    expect(Date.now() - t0).toBeLessThan(25_000);
  });

  it('a target that answers 50 MB: incomplete, no pass, no score', async () => {
    const srv = await startServer(FIFTY_MB);
    servers.push(srv);
    const report = await runAudit({ url: srv.url, configPath: join(dir, 'launchready.yml'), failOn: 'high', env: {}, timeoutMs: 5000 });
    expectUngraded(report, /more than the 2 MiB body size cap/);
  });

  it('a landing page that redirects in a loop (to itself, or round a circle): incomplete, no score, a few requests', async () => {
    let requests = 0;
    const self = await startServer((req, res) => {
      requests += 1;
      res.writeHead(302, { location: req.url ?? '/' }).end();
    });
    servers.push(self);
    const report = await runAudit({ url: self.url, configPath: join(dir, 'launchready.yml'), failOn: 'high', env: {}, timeoutMs: 1500 });
    expectUngraded(report, /redirects in a loop/);
    expect(requests).toBe(1);
    const circle = await startServer((req, res) => res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' }).end());
    servers.push(circle);
    const round = await runAudit({ url: circle.url, configPath: join(dir, 'launchready.yml'), failOn: 'high', env: {}, timeoutMs: 1500 });
    expectUngraded(round, /redirects in a loop: http:\/\/127\.0\.0\.1:\d+\/ → .*\/a → .*\/b → .*\/a/);
    expect(round.stats.requests).toBe(3);
  });

  it('a landing page that redirects to a page that answers (a login page) is tested as usual', async () => {
    const srv = await startServer((req, res) => {
      if (req.url === '/') return void res.writeHead(302, { location: '/login' }).end();
      res.writeHead(req.url === '/login' ? 200 : 404, { 'content-type': 'text/html' }).end('<form method="post"><input type="password" name="password"></form>');
    });
    servers.push(srv);
    const report = await runAudit({ url: srv.url, configPath: join(dir, 'launchready.yml'), failOn: 'high', env: {}, timeoutMs: 1500, only: ['edge', 'logging'] });
    expect(report.scoreNote ?? '').not.toMatch(/target not tested/);
    expect(report.incomplete.join('\n')).not.toMatch(/target not tested/);
  });

  it('a landing page that redirects to another origin (a login provider, the real site) is an answer, not a loop', async () => {
    const elsewhere = await startServer((_req, res) => res.writeHead(302, { location: '/' }).end());
    servers.push(elsewhere);
    const srv = await startServer((_req, res) => res.writeHead(302, { location: `${elsewhere.url}/` }).end());
    servers.push(srv);
    const report = await runAudit({ url: srv.url, configPath: join(dir, 'launchready.yml'), failOn: 'high', env: {}, timeoutMs: 1500, only: ['edge', 'logging'] });
    expect(report.incomplete.join('\n')).not.toMatch(/target not tested/);
  });

  it('the CLI prints "no score: target not tested" and exits 3', async () => {
    const url = await closedPortUrl();
    const r = await runCli(['audit', url, '--config', join(dir, 'launchready.yml'), '--timeout', '1500']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/Verdict: INCOMPLETE/);
    expect(r.stdout).toMatch(/no score: target not tested \(GET http:\/\/127\.0\.0\.1:\d+\/: connection refused/);
    expect(r.stdout).not.toMatch(/Score: \d+\/100/);
  });
});

describe('a run that tests nothing is a usage error (exit 2)', () => {
  it('--only and --skip of the same area select no check', async () => {
    const r = await runCli(['audit', 'http://127.0.0.1:9', '--only', 'authentication', '--skip', 'authentication']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--only authentication --skip authentication selects no check: nothing would be tested/);
    expect(r.stdout).toBe('');
  });

  it('a target was given and no check sent it a request', async () => {
    let requests = 0;
    const srv = await startServer((_req, res) => {
      requests += 1;
      res.end('ok');
    });
    try {
      // domain-tls on a loopback target: every check needs a public hostname, so none sends anything.
      await expect(runAudit({ url: srv.url, only: ['domain-tls'], failOn: 'high', env: {} })).rejects.toThrow(UsageError);
      await expect(runAudit({ url: srv.url, only: ['domain-tls'], failOn: 'high', env: {} })).rejects.toThrow(/no check sent a request to http:\/\/127\.0\.0\.1:\d+\/.*development target/);
      // Only the baseline reached the server.
      expect(requests).toBe(2);
    } finally {
      await srv.close();
    }
  });
});

describe('SIGTERM behaves like Ctrl-C', () => {
  async function startHangingAudit(): Promise<{ child: ReturnType<typeof spawn>; out: () => string; close(): Promise<void> }> {
    let arrived!: () => void;
    const first = new Promise<void>((r) => (arrived = r));
    const hang = await startServer(() => arrived());
    const dir = mkdtempSync(join(tmpdir(), 'lr-term-'));
    writeFileSync(join(dir, 'c.yml'), 'budget: { timeoutMs: 30000 }\n');
    const child = spawn(process.execPath, [BIN, 'audit', hang.url, '--config', join(dir, 'c.yml'), '--format', 'json'], { env: { ...process.env, LAUNCHREADY_LOOPBACK_ONLY: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    // Ready when the audit's first request reaches the target (not after a guessed sleep).
    await Promise.race([first, once(child, 'exit').then(() => Promise.reject(new Error('the audit exited before it reached the target')))]);
    return { child, out: () => stdout, close: () => hang.close() };
  }

  it('a partial JSON report, verdict incomplete, exit 3', async () => {
    const { child, out, close } = await startHangingAudit();
    try {
      const t0 = Date.now();
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(code).toBe(3);
      const report = JSON.parse(out()) as Report;
      expect(report.verdict).toBe('incomplete');
      expect(report.incomplete.join(' ')).toMatch(/interrupted/);
      expect(report.findings.filter((f) => f.status === 'pass')).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      await close();
    }
  }, 40_000);

  it('a second signal exits at once, without the report', async () => {
    const { child, out, close } = await startHangingAudit();
    try {
      // Two different signals (the same one twice may merge in the kernel): SIGTERM, then Ctrl-C.
      child.kill('SIGTERM');
      child.kill('SIGINT');
      const [code] = (await once(child, 'exit')) as [number | null];
      // The kernel may deliver the two in either order: the second one handled exits (130 after
      // SIGINT, 143 after SIGTERM) — not 3 with a finished report.
      expect([130, 143]).toContain(code);
      expect(out()).toBe('');
    } finally {
      child.kill('SIGKILL');
      await close();
    }
  }, 40_000);
});
