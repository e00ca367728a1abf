import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer } from '../helpers.js';

/** A config that makes the audit fetch JSON (OpenAPI, login) as well as pages from the hostile target. */
const CONFIG = `
api: { openapi: /openapi.json }
identities:
  alice: { tenant: a, login: { kind: json, url: /api/login, json: { email: a@a.test, password: pw-123456 }, tokenPath: /token } }
budget: { deadlineMs: 20000 }
`;

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

const HOSTILE: Record<string, Behaviour> = {
  hangs: () => {
    /* never answers */
  },
  'drips one byte a second': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write('{')), 1000);
    res.on('close', () => clearInterval(t));
  },
  'sends 100 MB': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    const pump = (): void => {
      while (sent < 100 && !res.destroyed) {
        sent++;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  },
  'loops redirects': (req, res) => {
    res.writeHead(302, { location: req.url ?? '/' });
    res.end();
  },
  'resets connections': (req) => {
    req.socket.destroy();
  },
  'sends invalid JSON': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"openapi": "3.0.0", "paths": {');
  },
};

describe('hostile targets end within the deadline with error status and verdict incomplete (exit 3)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lr-hostile-'));
    writeFileSync(join(dir, 'launchready.yml'), CONFIG);
  });
  const servers: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  for (const [name, behaviour] of Object.entries(HOSTILE)) {
    it(`a target that ${name}`, async () => {
      const srv = await startServer(behaviour);
      servers.push(srv);
      const r = await runCli(['audit', srv.url, '--config', join(dir, 'launchready.yml'), '--format', 'json', '--timeout', '1500'], { timeoutMs: 40_000 });
      expect(r.stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
      expect(r.code, r.stderr).toBe(3);
      const report = JSON.parse(r.stdout) as { verdict: string; incomplete: string[]; findings: Array<{ status: string; reason?: string }> };
      expect(report.verdict).toBe('incomplete');
      expect(report.findings.some((f) => f.status === 'error')).toBe(true);
      expect(report.incomplete.length).toBeGreaterThan(0);
      expect(r.ms).toBeLessThan(25_000);
    }, 45_000);
  }
});
