import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit.js';

const base62 = (n: number) => [...randomBytes(n)].map((b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[b % 62]).join('');

describe('audit with repo: scans the git history by default', () => {
  it('finds a key that was committed and later removed, and secrets.history: false turns that off', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'lr-hist-'));
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.test', '-c', 'user.name=t', ...args], { stdio: 'pipe' });
    git('init', '-q');
    const key = ['sk', 'live', base62(32)].join('_');
    writeFileSync(join(repo, 'config.js'), `export const stripe = "${key}";\n`);
    git('add', '.');
    git('commit', '-qm', 'add stripe');
    writeFileSync(join(repo, 'config.js'), 'export const stripe = process.env.STRIPE_SECRET_KEY;\n');
    git('commit', '-qam', 'move the key to the environment');
    try {
      const withHistory = join(repo, 'with.yml');
      writeFileSync(withHistory, 'repo: .\n');
      const report = await runAudit({ configPath: withHistory, only: ['secrets'], failOn: 'high', env: {} });
      const hist = report.findings.filter((f) => f.check === 'secrets/history-secret' && f.status === 'fail');
      expect(hist).toHaveLength(1);
      expect(hist[0]!.location.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(JSON.stringify(report)).not.toContain(key);
      expect(report.verdict).toBe('not-ready');

      const without = join(repo, 'without.yml');
      writeFileSync(without, 'repo: .\nsecrets: { history: false }\n');
      const off = await runAudit({ configPath: without, only: ['secrets'], failOn: 'high', env: {} });
      expect(off.findings.filter((f) => f.check === 'secrets/history-secret' && f.status === 'fail')).toHaveLength(0);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
