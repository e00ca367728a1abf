import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

describe('launchready --help is the reference', () => {
  it('lists every command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['audit', 'scan', 'domain', 'load', 'init', 'monitor', 'serve', 'demo']) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
    expect(r.stdout).toMatch(/Exit codes: 0 ready, 1 not ready, 2 usage or configuration error, 3 incomplete/);
  });

  it('audit --help documents every flag of the contract', async () => {
    const r = await runCli(['audit', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--config', '--only', '--skip', '--format', '--out', '--fail-on', '--baseline', '--resolve', '--connect-to', '--dns', '--ca', '--max-requests', '--max-rate', '--timeout', '--allow-writes']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toMatch(/text.*json.*md.*html.*sarif.*junit.*handover/s);
  });

  it('each command has its own complete help', async () => {
    for (const [cmd, flags] of [
      ['init', ['--out', '--force']],
      ['demo', ['--flaws', '--serve-only', '--port', '--out']],
      ['scan', ['--history', '--all-files', '--bundles', '--logs', '--env-file', '--baseline', '--format', '--out', '--fail-on']],
      ['domain', ['--mail-domain', '--dkim-selector', '--dns', '--ca', '--resolve', '--connect-to', '--format', '--out']],
      ['load', ['--rate', '--concurrency', '--duration', '--format', '--config']],
      ['monitor', ['--config']],
      ['serve', ['--port', '--db']],
    ] as const) {
      const r = await runCli([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      for (const f of flags) expect(r.stdout, `${cmd} ${f}`).toContain(f);
    }
  }, 120_000); // seven CLI starts one after the other: generous for a loaded machine
});

describe('bad flags exit 2 with a message that names the flag, never a stack trace', () => {
  const cases: Array<[string[], RegExp]> = [
    [['audit', 'http://127.0.0.1:9', '--only', 'edge,dns'], /--only: unknown area "dns"/],
    [['audit', 'http://127.0.0.1:9', '--max-requests', 'many'], /--max-requests expects a whole number/],
    [['audit', 'http://127.0.0.1:9', '--format', 'pdf'], /--format.*pdf/],
    [['audit', 'http://127.0.0.1:9', '--fail-on', 'sometimes'], /--fail-on/],
    [['audit', 'http://127.0.0.1:9', '--resolve', 'app.example.com:443'], /--resolve/],
    [['audit', 'not a url'], /not a valid URL/],
    [['audit', 'ftp://example.com'], /only http/],
    [['audit'], /nothing to audit/],
    [['audit', 'http://127.0.0.1:9', '--ca', '/nonexistent.pem'], /--ca \/nonexistent.pem: file not found/],
    [['audit', 'http://127.0.0.1:9', '--bogus'], /unknown option '--bogus'/],
    [['demo', '--flaws', 'bola-everywhere'], /--flaws:.*bola-everywhere/],
    [['frobnicate'], /unknown command/],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), async () => {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    });
  }
});

describe('audit --save keeps the report for the dashboard', () => {
  it('stores the run in the SQLite store it names', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { startServer } = await import('../helpers.js');
    const { openStore } = await import('../../src/store/index.js');
    const app = await startServer((_req, res) => res.end('<h1>hi</h1>'));
    const db = join(mkdtempSync(join(tmpdir(), 'lr-save-')), 'lr.db');
    try {
      const r = await runCli(['audit', app.url, '--only', 'edge', '--format', 'json', '--save', db]);
      // --save says where the report went, on stderr (stdout stays the JSON report).
      expect(r.stderr).toMatch(new RegExp(`^Saved as audit \\S+ in ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(see it with: launchready serve --db `));
      const store = await openStore(db);
      const audits = await store.listAudits();
      await store.close();
      expect(audits).toHaveLength(1);
      expect(r.stderr).toContain(`audit ${audits[0]!.id} in`);
      expect(audits[0]!.verdict).toBe(JSON.parse(r.stdout).verdict);
    } finally {
      await app.close();
    }
  });
});
