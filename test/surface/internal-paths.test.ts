import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { internalPathChecks, judgeInternalPaths } from '../../src/checks/deployment/internal-paths.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { checkCases } from '../../src/engine/check-tester.js';
import { runChecks, type RunResult } from '../../src/engine/runner.js';
import { HttpClient } from '../../src/net/http.js';
import { isSoft404, matchTemplate } from '../../src/surface/internal-paths/match.js';
import type { InternalPathsEvidence } from '../../src/surface/internal-paths/probe.js';
import { PATH_TEMPLATES } from '../../src/surface/internal-paths/templates.js';
import { ENV_SECRET, startCatchAll, startExposed, type PathsServer } from '../fixtures/internal-paths/server.js';

const SPA = { status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><html><head><title>Acme</title></head><body><div id="root"></div><script src="/assets/index-4f2a.js"></script></body></html>' };
const PLAIN_404 = { status: 404, contentType: 'text/plain', body: 'Not Found' };

describe('the internal-path template table', () => {
  it('has at least 40 entries with unique ids and paths, each with an impact and a fix', () => {
    expect(PATH_TEMPLATES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(PATH_TEMPLATES.map((t) => t.id)).size).toBe(PATH_TEMPLATES.length);
    expect(new Set(PATH_TEMPLATES.map((t) => t.path)).size).toBe(PATH_TEMPLATES.length);
    for (const t of PATH_TEMPLATES) {
      expect(t.path.startsWith('/'), t.id).toBe(true);
      expect(t.impact.length, t.id).toBeGreaterThan(10);
      expect(t.fix.length, t.id).toBeGreaterThan(10);
    }
  });

  for (const t of PATH_TEMPLATES) {
    it(`${t.id}: its true example matches, its false example, an SPA shell and a plain 404 do not`, () => {
      expect(matchTemplate(t, t.examples.hit).hit, 'hit example').toBe(true);
      expect(matchTemplate(t, t.examples.miss).hit, 'miss example').toBe(false);
      expect(matchTemplate(t, SPA).hit, 'SPA shell').toBe(false);
      expect(matchTemplate(t, PLAIN_404).hit, 'plain 404').toBe(false);
    });
  }

  it('recognises a catch-all answer even when it echoes the requested path', () => {
    const page = (p: string) => ({ status: 200, contentType: 'text/html', body: `<html><title>Admin dashboard</title><p>route: ${p}</p><a>Users</a></html>` });
    expect(isSoft404(page('/admin'), '/admin', [{ ...page('/lr-1a2b-missing'), path: '/lr-1a2b-missing' }])).toBe(true);
    expect(isSoft404({ status: 200, contentType: 'text/plain', body: 'ref: refs/heads/main\n' }, '/.git/HEAD', [{ ...page('/lr-x'), path: '/lr-x' }])).toBe(false);
  });
});

describe('the checks judging probe results (CheckTester table)', () => {
  const evidence = (hits: InternalPathsEvidence['hits'], notTested: InternalPathsEvidence['notTested'] = []): InternalPathsEvidence => ({ origin: 'https://app.example.com', baselines: [], hits, soft404: [], tested: 40, notTested });
  const hit = (over: Partial<InternalPathsEvidence['hits'][number]>): InternalPathsEvidence['hits'][number] => ({
    id: 'git-listing',
    name: 'listable .git directory',
    area: 'deployment',
    severity: 'critical',
    url: 'https://app.example.com/.git/',
    path: '/.git/',
    status: 200,
    contentType: 'text/html',
    length: 300,
    bodySha256: 'ab'.repeat(32),
    matched: ['status 200'],
    impact: 'the repository downloads',
    fix: 'block it',
    ...over,
  });
  it('raises each hit in its own area at its severity, escalates, and lists untested templates as skipped', async () => {
    const [deployment, secrets, logging] = internalPathChecks;
    expect(
      await checkCases(deployment!, {
        valid: [{ name: 'nothing found', evidence: { paths: evidence([]) } }, { name: 'a logging hit is not a deployment finding', evidence: { paths: evidence([hit({ area: 'logging', id: 'prometheus-metrics' })]) } }],
        invalid: [
          { name: 'listable .git', evidence: { paths: evidence([hit({})]) }, findings: [{ severity: 'critical', title: /listable \.git directory is public at \/\.git\// }] },
          { name: 'git config with a credential in the remote', evidence: { paths: evidence([hit({ id: 'git-config', name: 'Git repository config', severity: 'high', escalated: { severity: 'critical', why: 'the remote URL carries credentials' } })]) }, findings: [{ severity: 'critical', title: /credentials/ }] },
        ],
      }),
    ).toEqual([]);
    expect(await checkCases(logging!, { valid: [], invalid: [{ name: 'public metrics', evidence: { paths: evidence([hit({ area: 'logging', id: 'prometheus-metrics', name: 'Prometheus metrics', severity: 'medium', path: '/metrics' })]) }, findings: [{ severity: 'medium', title: /\/metrics/ }] }] })).toEqual([]);
    const skipped = judgeInternalPaths(evidence([], [{ id: 'env', path: '/.env', reason: 'the request budget ran out' }]), 'secrets');
    expect(skipped).toEqual([expect.objectContaining({ status: 'skip', reason: expect.stringContaining('/.env: the request budget ran out') })]);
    expect(secrets!.meta.area).toBe('secrets');
  });
});

async function probe(server: PathsServer, exclude: string[] = []): Promise<RunResult & { requests: number }> {
  const http = new HttpClient({ maxRequests: 500, rate: 500, timeoutMs: 5000, maxBodyBytes: 1 << 20 });
  try {
    const r = await runChecks({
      checks: internalPathChecks,
      config: ConfigSchema.parse({ target: server.url, api: { exclude } }),
      configDir: process.cwd(),
      target: { baseUrl: new URL(server.url), isDevelopment: true },
      http,
      options: { allowWrites: false, seed: 1 },
      env: {},
      checkDeadlineMs: 30_000,
      runDeadlineMs: 60_000,
    });
    return { ...r, requests: http.stats.requests };
  } finally {
    await http.close();
  }
}

describe('a server exposing a handful of internal paths', () => {
  let server: PathsServer;
  let result: Awaited<ReturnType<typeof probe>>;
  beforeAll(async () => {
    server = await startExposed();
    result = await probe(server);
  }, 60_000);
  afterAll(() => server?.close());

  it('finds exactly the planted paths, judged and located, and none of the controls', () => {
    const fails = result.findings.filter((f) => f.status === 'fail').map((f) => `${f.area} ${f.severity} ${new URL(f.location.url!).pathname}`).sort();
    expect(fails).toEqual(['deployment critical /.git/config', 'deployment critical /backup.sql', 'deployment high /.git/HEAD', 'logging high /debug/pprof/', 'logging medium /metrics', 'secrets critical /.env'].sort());
  });

  it('never prints a secret value: prefix, length and hash only', () => {
    const env = result.findings.find((f) => f.location.url?.endsWith('/.env'))!;
    expect(env.evidence.value).toEqual({ prefix: expect.any(String), length: ENV_SECRET.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(env.evidence.value!.prefix.length).toBeLessThanOrEqual(4);
    expect(JSON.stringify(result.findings)).not.toContain(ENV_SECRET);
    expect(JSON.stringify(result.findings)).not.toContain('ghp_fakeToken');
  });

  it('sends at most one request per template (plus three random-path baselines)', () => {
    expect(result.requests).toBe(PATH_TEMPLATES.length + 3);
    expect(new Set(server.log).size).toBe(server.log.length);
  });

  it('honours api.exclude', async () => {
    const before = server.log.length;
    const r = await probe(server, ['/.git/*', '/.env']);
    const sent = server.log.slice(before);
    expect(sent.some((p) => p.startsWith('/.git') || p === '/.env')).toBe(false);
    expect(r.findings.filter((f) => f.status === 'fail').map((f) => new URL(f.location.url!).pathname)).not.toContain('/.env');
  });
});

describe('catch-all servers answering 200 to every path', () => {
  for (const variant of [{ echoPath: false }, { echoPath: true }, { echoPath: true, title: 'phpMyAdmin Adminer Swagger UI Express Status' }]) {
    it(`raise no finding (${JSON.stringify(variant)})`, async () => {
      const server = await startCatchAll(variant);
      try {
        const r = await probe(server);
        expect(r.findings.filter((f) => f.status === 'fail' || f.status === 'warn').map((f) => f.title)).toEqual([]);
        expect(r.findings.filter((f) => f.status === 'pass').length).toBe(4);
      } finally {
        await server.close();
      }
    }, 60_000);
  }
});
