import net from 'node:net';
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalHost } from '../../src/checks/domain-tls/canonical-host.js';
import { httpsRedirect } from '../../src/checks/domain-tls/https-redirect.js';
import { findMixedContent, mixedContent } from '../../src/checks/domain-tls/mixed-content.js';
import { redirectChain } from '../../src/checks/domain-tls/redirect-chain.js';
import type { Finding } from '../../src/model/finding.js';
import { tlsFixtures, type TlsFixtures } from '../fixtures/tls/certs.js';
import { startHttpServer, startHttpsServer, type RunningServer } from '../fixtures/tls/servers.js';
import { byCheck, connectTo, runOn, summary } from './helpers.js';

/**
 * Redirect, canonical-host and mixed-content checks against real HTTP and HTTPS servers on loopback.
 * `valid.launchready.test` (the apex of the pair) and `www.valid.launchready.test` are mapped with
 * --connect-to on ports 80 and 443; each test sets what every URL answers.
 */

const APEX = 'valid.launchready.test';
const WWW = 'www.valid.launchready.test';
const CHECKS = [httpsRedirect, redirectChain, canonicalHost, mixedContent];

type Reply = { status: number; headers?: Record<string, string>; body?: string };
let routes: Record<string, Reply> = {};
let f: TlsFixtures;
let plain: RunningServer;
let secure: RunningServer;
let closedPort: number;

function handler(scheme: string) {
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = (req.url ?? '/').split('?')[0];
    const r = routes[`${scheme}://${host}${path}`] ?? { status: 404, body: 'not found' };
    res.writeHead(r.status, { 'content-type': 'text/html; charset=utf-8', ...(r.headers ?? {}) }).end(r.body ?? '');
  };
}

const to = (status: number, location: string): Reply => ({ status, headers: { location } });
const page = (body = '<html><head><link rel="stylesheet" href="https://cdn.example/app.css"></head><body><img src="/logo.png"></body></html>', headers: Record<string, string> = {}): Reply => ({
  status: 200,
  body,
  headers,
});

/** The setup a launch checklist wants: http→https in one 301, www → apex, clean pages. */
function goodRoutes(): Record<string, Reply> {
  return {
    [`http://${APEX}/`]: to(301, `https://${APEX}/`),
    [`http://${WWW}/`]: to(301, `https://${WWW}/`),
    [`https://${WWW}/`]: to(301, `https://${APEX}/`),
    [`https://${APEX}/`]: page(),
    [`https://${APEX}/login`]: page('<form method="post" action="/session"><input name="email"></form>'),
  };
}

beforeAll(async () => {
  f = tlsFixtures();
  plain = await startHttpServer(handler('http'));
  secure = await startHttpsServer(f.valid, handler('https'));
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
});

afterAll(async () => {
  await plain.close();
  await secure.close();
});

async function audit(opts: { wwwDead?: boolean; noHttp?: boolean; wwwHttpsPort?: number } = {}): Promise<Finding[]> {
  const httpPort = opts.noHttp ? closedPort : plain.port;
  const overrides = [
    connectTo(APEX, 80, httpPort),
    connectTo(APEX, 443, secure.port),
    connectTo(WWW, 80, opts.wwwDead ? closedPort : httpPort),
    connectTo(WWW, 443, opts.wwwDead ? closedPort : (opts.wwwHttpsPort ?? secure.port)),
  ];
  const { findings } = await runOn({ checks: CHECKS, config: { target: `https://${APEX}/`, domains: [APEX, WWW], pages: { login: '/login' } }, overrides, ca: f.rootCa });
  return findings;
}

function one(findings: Finding[], check: string, url?: string): Finding {
  const list = byCheck(findings, check).filter((x) => !url || x.location.url === url);
  expect(list, summary(findings)).toHaveLength(1);
  return list[0]!;
}

describe('a well-configured domain', () => {
  it('passes: http→https in one 301 on both hosts, www redirects to the apex, at most two hops, no mixed content', async () => {
    routes = goodRoutes();
    const findings = await audit();
    expect(findings.filter((x) => x.status !== 'pass'), summary(findings)).toEqual([]);
    expect(byCheck(findings, 'domain-tls/https-redirect')).toHaveLength(2);
    expect(byCheck(findings, 'domain-tls/redirect-chain')).toHaveLength(4);
    expect(one(findings, 'domain-tls/canonical-host').evidence.notes).toContain(`canonical host: ${APEX}`);
    expect(byCheck(findings, 'domain-tls/mixed-content')).toHaveLength(2);
  });
});

describe('HTTP → HTTPS', () => {
  it('plain HTTP serving the page fails high', async () => {
    routes = { ...goodRoutes(), [`http://${APEX}/`]: page() };
    const r = one(await audit(), 'domain-tls/https-redirect', `http://${APEX}/`);
    expect(r.status).toBe('fail');
    expect(r.severity).toBe('high');
    expect(r.title).toContain('serves the site over plain HTTP (200)');
    expect(r.fix).toContain('return 301 https://$host$request_uri;');
  });

  it('a temporary 302 (or 307) to HTTPS warns', async () => {
    for (const status of [302, 307]) {
      routes = { ...goodRoutes(), [`http://${APEX}/`]: to(status, `https://${APEX}/`) };
      const r = one(await audit(), 'domain-tls/https-redirect', `http://${APEX}/`);
      expect(r.status).toBe('warn');
      expect(r.title).toContain(`temporary ${status}`);
    }
  });

  it('308 is as good as 301', async () => {
    routes = { ...goodRoutes(), [`http://${APEX}/`]: to(308, `https://${APEX}/`) };
    expect(one(await audit(), 'domain-tls/https-redirect', `http://${APEX}/`).status).toBe('pass');
  });

  it('a first hop that stays on http:// fails: HTTPS is not reached in one hop', async () => {
    routes = { ...goodRoutes(), [`http://${APEX}/`]: to(301, `http://${WWW}/`) };
    const r = one(await audit(), 'domain-tls/https-redirect', `http://${APEX}/`);
    expect(r.status).toBe('fail');
    expect(r.severity).toBe('medium');
    expect(r.title).toContain('stays on plain HTTP');
  });

  it('port 80 closed while HTTPS works warns (links with http:// break)', async () => {
    routes = goodRoutes();
    const r = one(await audit({ noHttp: true }), 'domain-tls/https-redirect', `http://${APEX}/`);
    expect(r.status).toBe('warn');
    expect(r.title).toContain('does not answer plain HTTP');
  });
});

describe('redirect chains', () => {
  it('a loop between www and the apex fails high and is stopped after a bounded number of hops', async () => {
    routes = { ...goodRoutes(), [`https://${APEX}/`]: to(301, `https://${WWW}/`) };
    const findings = await audit();
    const loop = one(findings, 'domain-tls/redirect-chain', `https://${APEX}/`);
    expect(loop.status).toBe('fail');
    expect(loop.severity).toBe('high');
    expect(loop.title).toContain('loop');
    expect(loop.fix).toContain('X-Forwarded-Proto');
  });

  it('three hops before the page fails (low): at most two', async () => {
    routes = {
      ...goodRoutes(),
      [`http://${APEX}/`]: to(301, `https://${APEX}/a`),
      [`https://${APEX}/a`]: to(301, `https://${APEX}/b`),
      [`https://${APEX}/b`]: to(301, `https://${APEX}/`),
    };
    const r = one(await audit(), 'domain-tls/redirect-chain', `http://${APEX}/`);
    expect(r.status).toBe('fail');
    expect(r.severity).toBe('low');
    expect(r.title).toContain('takes 3 redirects');
  });

  it('a redirect to a URL that does not answer fails', async () => {
    routes = { ...goodRoutes(), [`http://${APEX}/`]: to(301, `http://127.0.0.1:${closedPort}/`) };
    const r = one(await audit(), 'domain-tls/redirect-chain', `http://${APEX}/`);
    expect(r.status).toBe('fail');
    expect(r.title).toContain('does not answer');
  });
});

describe('canonical host', () => {
  it('www and the apex both serving the page fails: no single canonical host', async () => {
    routes = { ...goodRoutes(), [`https://${WWW}/`]: page() };
    const r = one(await audit(), 'domain-tls/canonical-host');
    expect(r.status).toBe('fail');
    expect(r.severity).toBe('medium');
    expect(r.title).toContain('no single canonical host');
    expect(r.fix).toContain(`return 301 https://${APEX}$request_uri;`);
  });

  it('www that does not answer at all warns', async () => {
    routes = goodRoutes();
    const findings = await audit({ wwwDead: true });
    const r = one(findings, 'domain-tls/canonical-host');
    expect(r.status).toBe('warn');
    expect(r.title).toContain(`${WWW} does not serve the site`);
    expect(one(findings, 'domain-tls/https-redirect', `http://${WWW}/`).status).toBe('skip');
  });

  it('www whose certificate is rejected is a skip naming the cause, not "does not serve the site"', async () => {
    routes = goodRoutes();
    const selfSigned = await startHttpsServer(f.selfSigned, handler('https'));
    try {
      const r = one(await audit({ wwwHttpsPort: selfSigned.port }), 'domain-tls/canonical-host');
      expect(r.status).toBe('skip');
      expect(r.reason).toContain('certificate is rejected');
    } finally {
      await selfSigned.close();
    }
  });

  it('with only one of the pair configured it is a skip, never a pass', async () => {
    routes = goodRoutes();
    const { findings } = await runOn({ checks: [canonicalHost], config: { target: `https://${APEX}/`, domains: [APEX] }, overrides: [connectTo(APEX, 80, plain.port), connectTo(APEX, 443, secure.port)], ca: f.rootCa });
    expect(one(findings, 'domain-tls/canonical-host').status).toBe('skip');
  });
});

describe('mixed content', () => {
  it('an http:// script on the landing page fails high; an http:// image on the login page fails medium', async () => {
    routes = {
      ...goodRoutes(),
      [`https://${APEX}/`]: page('<html><script src="http://cdn.example/app.js"></script></html>'),
      [`https://${APEX}/login`]: page('<img src="http://cdn.example/logo.png"><form action="/session"></form>'),
    };
    const findings = byCheck(await audit(), 'domain-tls/mixed-content');
    const landing = findings.find((x) => x.location.url === `https://${APEX}/`)!;
    expect(landing.status).toBe('fail');
    expect(landing.severity).toBe('high');
    expect(landing.evidence.notes).toContain('<script src>: http://cdn.example/app.js');
    expect(landing.fix).toContain('https://cdn.example/app.js');
    const login = findings.find((x) => x.location.url === `https://${APEX}/login`)!;
    expect(login.status).toBe('fail');
    expect(login.severity).toBe('medium');
  });

  it('a login form posting to http:// fails high even with upgrade-insecure-requests', async () => {
    routes = { ...goodRoutes(), [`https://${APEX}/login`]: page('<form method="post" action="http://valid.launchready.test/session">', { 'content-security-policy': 'upgrade-insecure-requests' }) };
    const login = byCheck(await audit(), 'domain-tls/mixed-content').find((x) => x.location.url === `https://${APEX}/login`)!;
    expect(login.status).toBe('fail');
    expect(login.severity).toBe('high');
    expect(login.title).toContain('submits to plain HTTP');
  });

  it('upgrade-insecure-requests turns http:// subresources into a low warning', async () => {
    routes = { ...goodRoutes(), [`https://${APEX}/`]: page('<script src="http://cdn.example/app.js"></script>', { 'content-security-policy': "default-src 'self'; upgrade-insecure-requests" }) };
    const landing = byCheck(await audit(), 'domain-tls/mixed-content').find((x) => x.location.url === `https://${APEX}/`)!;
    expect(landing.status).toBe('warn');
    expect(landing.severity).toBe('low');
  });
});

describe('findMixedContent (the HTML scanner)', () => {
  const cases: Array<[string, string, Array<[string, string]>]> = [
    ['script src', '<script src="http://a.example/x.js"></script>', [['active', 'http://a.example/x.js']]],
    ['stylesheet link', "<link rel='stylesheet' href='http://a.example/x.css'>", [['active', 'http://a.example/x.css']]],
    ['iframe, unquoted', '<iframe src=http://a.example/f></iframe>', [['active', 'http://a.example/f']]],
    ['img srcset', '<img src="/a.png" srcset="/a2.png 2x, http://a.example/a3.png 3x">', [['passive', 'http://a.example/a3.png']]],
    ['form action', '<FORM ACTION="http://a.example/login" method=post>', [['form', 'http://a.example/login']]],
    ['base href', '<base href="http://a.example/">', [['active', 'http://a.example/']]],
    ['CSS @import and url()', '<style>@import "http://a.example/x.css"; body{background:url(http://a.example/bg.png)}</style>', [['active', 'http://a.example/x.css'], ['passive', 'http://a.example/bg.png']]],
    ['plain links are navigation, not mixed content', '<a href="http://a.example/">x</a><link rel="canonical" href="http://a.example/">', []],
    ['https and relative URLs are fine', '<script src="https://a.example/x.js"></script><img src="//a.example/i.png"><img src="/i.png">', []],
    ['commented-out markup is ignored', '<!-- <script src="http://a.example/old.js"></script> -->', []],
    ['text that merely mentions http:// is ignored', '<p>see http://a.example/x.js</p>', []],
  ];
  for (const [name, html, expected] of cases) {
    it(name, () => {
      expect(findMixedContent(html).map((r) => [r.kind, r.url])).toEqual(expected);
    });
  }

  it('stays fast on hostile HTML (unclosed tags, quotes and comments)', () => {
    const hostile = '<a b="'.repeat(50_000) + '<!--'.repeat(50_000) + '<img '.repeat(50_000);
    const t0 = performance.now();
    findMixedContent(hostile);
    expect(performance.now() - t0).toBeLessThan(1500);
  });
});
