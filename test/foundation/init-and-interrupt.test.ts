import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDemoPortal } from '../../examples/demo-portal/src/index.js';
import { loadConfigFile } from '../../src/config/load.js';
import { BIN, runCli, startServer } from '../helpers.js';

describe('launchready init URL', () => {
  it('writes a commented starter config pre-filled from the running app, that loads as a valid config', async () => {
    const portal = await startDemoPortal({ flaws: 'none' });
    const dir = mkdtempSync(join(tmpdir(), 'lr-init-'));
    const out = join(dir, 'launchready.yml');
    try {
      const r = await runCli(['init', portal.url, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      const text = readFileSync(out, 'utf8');
      expect(text).toMatch(/^target: http:\/\/127\.0\.0\.1:\d+/m);
      expect(text).toMatch(/^ {2}openapi: \/openapi\.json/m);
      expect(text).toMatch(/^ {2}login: \/login/m);
      expect(text).toMatch(/^ {2}health: \/healthz/m);
      expect(text).toMatch(/^# .*\$\{ENV_VAR\}/m);
      const { config } = loadConfigFile(out, {});
      expect(config.api.openapi).toBe('/openapi.json');
      // Never overwrites without --force.
      const again = await runCli(['init', portal.url, '--out', out]);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/already exists/);
    } finally {
      await portal.close();
    }
  });

  it('without a URL writes the all-defaults template', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lr-init-'));
    const r = await runCli(['init'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'launchready.yml'))).toBe(true);
    expect(() => loadConfigFile(join(dir, 'launchready.yml'), {})).not.toThrow();
  });
});

describe('Ctrl-C', () => {
  it('ends the audit with a partial report marked incomplete (exit 3)', async () => {
    // The first request the audit sends is the readiness signal: by then the CLI has started and
    // installed its Ctrl-C handler (a fixed sleep raced a slow start on a loaded machine).
    let started!: () => void;
    const firstRequest = new Promise<void>((r) => (started = r));
    const hang = await startServer(() => {
      started(); /* never answers */
    });
    const dir = mkdtempSync(join(tmpdir(), 'lr-int-'));
    writeFileSync(join(dir, 'c.yml'), 'budget: { timeoutMs: 30000 }\n');
    const child = spawn(process.execPath, [BIN, 'audit', hang.url, '--config', join(dir, 'c.yml'), '--format', 'json'], { env: { ...process.env, LAUNCHREADY_LOOPBACK_ONLY: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    try {
      await firstRequest;
      const t0 = Date.now();
      child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(code).toBe(3);
      const report = JSON.parse(stdout) as { verdict: string; incomplete: string[] };
      expect(report.verdict).toBe('incomplete');
      expect(report.incomplete.join(' ')).toMatch(/interrupted/);
    } finally {
      child.kill('SIGKILL');
      await hang.close();
    }
  }, 90_000);
});
