import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runScan } from '../../src/cli/commands/scan.js';
import { FORMATS, render } from '../../src/report/index.js';
import { scanRepository } from '../../src/secrets/scan.js';
import { cleanup, git, secrets, tempDir, writeFiles } from './helpers.js';

const S = secrets();

describe('launchready scan on a repository with history, bundles, logs and env files', () => {
  let repo: string;
  let firstCommit: string;

  beforeAll(() => {
    repo = tempDir('scan-');
    git(repo, 'init', '-q', '-b', 'main');
    writeFiles(repo, {
      'src/pay.ts': `export const stripe = new Stripe('${S.stripe}');\nconst url = process.env.APP_URL;\nconst db = process.env.DATABASE_URL || 'x';\n`,
      'config/old.py': `GITHUB_TOKEN = "${S.github}"\n`,
      '.gitignore': 'ignored/\nlogs/\n',
      'ignored/leak.env': `AWS_ACCESS_KEY_ID=${S.aws}\n`,
      '.env.example': 'APP_URL=\nUNUSED_THING=\n',
      '.env': `SLACK_WEBHOOK=${S.slackHook}\n`,
      '.env.production': 'APP_URL=http://localhost:3000\nAPI_BASE=https://api.staging.acme-corp.com\n',
    });
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'first');
    firstCommit = git(repo, 'rev-parse', 'HEAD');
    // The GitHub token is "removed" — it stays in history.
    writeFiles(repo, { 'config/old.py': 'GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]\n' });
    git(repo, 'commit', '-qam', 'remove token');
    writeFiles(repo, {
      'logs/app.log': `2026-11-23 login user=alice@acme-corp.com password=${S.dbPassword}\nGET /reset?token=${S.jwtSecret.replace(/[+/=]/g, 'x')} 200\nAuthorization: Bearer ${S.openai}\n`,
      'dist/app.js': `!function(){var k={key:"${S.anthropic}"};}();\n//# sourceMappingURL=app.js.map\n`,
      'dist/app.js.map': JSON.stringify({ version: 3, sources: ['webpack://app/./src/ai.ts'], sourcesContent: [`// calls the model\nexport const OPENAI = "${S.openai}";\n`], mappings: '' }),
      'deploy.env': 'APP_URL=https://app.acme-corp.com\n',
    });
  });
  afterAll(() => cleanup(repo));

  it('finds tree secrets honouring .gitignore, and names the commit that introduced them', async () => {
    const r = await scanRepository({ root: repo, history: true });
    const tree = r.tree.hits.map((h) => `${h.ruleId}@${h.origin.path}`);
    expect(tree).toContain('stripe-secret-key@src/pay.ts');
    expect(tree).toContain('slack-webhook-url@.env');
    expect(tree.some((t) => t.includes('ignored/'))).toBe(false);
    expect(r.tree.hits.find((h) => h.ruleId === 'stripe-secret-key')?.origin.commit).toBe(firstCommit);
    const all = await scanRepository({ root: repo, allFiles: true });
    expect(all.tree.hits.some((h) => h.origin.path === 'ignored/leak.env')).toBe(true);
  });

  it('attributes a removed secret to the oldest commit, path and date in history, reading each blob once', async () => {
    const r = await scanRepository({ root: repo, history: true });
    const gh = r.history!.hits.filter((h) => h.ruleId === 'github-pat-classic');
    expect(gh).toHaveLength(1);
    expect(gh[0]!.origin).toMatchObject({ kind: 'history', path: 'config/old.py', commit: firstCommit });
    expect(gh[0]!.origin.date).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const blobs = git(repo, 'rev-list', '--all', '--objects').split('\n').length;
    expect(r.history!.blobs).toBeLessThan(blobs);
  });

  it('reports history, bundle, source-map, log and env findings through runScan', async () => {
    const report = await runScan({ root: repo, history: true, bundles: [join(repo, 'dist')], logs: ['logs/*.log'], envFile: join(repo, 'deploy.env'), failOn: 'high' });
    const by = (check: string) => report.findings.filter((f) => f.check === check && (f.status === 'fail' || f.status === 'warn'));
    expect(by('secrets/history-secret').map((f) => f.location.file)).toEqual(['config/old.py']);
    const bundle = by('secrets/bundle-secret');
    expect(bundle.some((f) => f.location.file?.endsWith('dist/app.js') && f.severity === 'critical')).toBe(true);
    expect(bundle.some((f) => f.location.file === 'src/ai.ts' && f.location.detail?.includes('app.js.map'))).toBe(true);
    const logs = by('logging/log-leaks').map((f) => f.title);
    expect(logs.some((t) => t.includes('passwords'))).toBe(true);
    expect(logs.some((t) => t.includes('email'))).toBe(true);
    expect(logs.some((t) => t.includes('tokens in URLs'))).toBe(true);
    // DATABASE_URL has a fallback in code: missing is a warning, not a failure; APP_URL is set.
    expect(by('deployment/env-missing').map((f) => `${f.location.detail}:${f.status}`)).toEqual(['DATABASE_URL:warn']);
    expect(by('deployment/env-undocumented').map((f) => f.location.detail)).toContain('DATABASE_URL');
    expect(by('deployment/env-unused').map((f) => f.location.detail)).toContain('UNUSED_THING');
    expect(by('deployment/env-committed-file').map((f) => f.location.file)).toEqual(expect.arrayContaining(['.env', '.env.production']));
    const prod = by('deployment/env-production-points-elsewhere').map((f) => f.title);
    expect(prod.some((t) => t.includes('localhost'))).toBe(true);
    expect(prod.some((t) => t.includes('api.staging.acme-corp.com'))).toBe(true);
    expect(report.verdict).toBe('not-ready');
  });

  it('never lets a secret value reach any output format', async () => {
    const report = await runScan({ root: repo, history: true, bundles: [join(repo, 'dist')], logs: ['logs/*.log'], failOn: 'high' });
    const outputs = FORMATS.map((f) => render(report, f, { color: false, verbose: true }));
    outputs.push(JSON.stringify(report));
    const values = [...Object.values(S), S.jwtSecret.replace(/[+/=]/g, 'x')];
    for (const out of outputs) for (const v of values) expect(out.includes(v), `a value leaked into an output`).toBe(false);
    // Nor any 8-character slice of a value (partial leaks).
    for (const out of outputs) for (const v of values) expect(out.includes(v.slice(8, 20))).toBe(false);
  });

  it('applies a baseline in every format and counts the finding as suppressed', async () => {
    const first = await runScan({ root: repo, failOn: 'high' });
    const target = first.findings.find((f) => f.check === 'secrets/committed-secret' && f.location.file === 'src/pay.ts')!;
    const file = join(repo, 'baseline.json');
    writeFiles(repo, { 'baseline.json': JSON.stringify([{ id: target.id, reason: 'revoked test key' }]) });
    const second = await runScan({ root: repo, failOn: 'high', baseline: file });
    expect(second.findings.some((f) => f.id === target.id)).toBe(false);
    expect(second.suppressed?.map((x) => x.id)).toContain(target.id);
    for (const f of FORMATS) expect(render(second, f, { color: false, verbose: true })).not.toContain(`Stripe secret key (live) in src/pay.ts`);
  });
});

describe('launchready on its own repository', () => {
  it('finds no failing secret in this tree (node_modules, dist excluded by .gitignore)', async () => {
    const r = await scanRepository({ root: process.cwd() });
    const failing = r.tree.hits.filter((h) => !h.publicByDesign).map((h) => `${h.ruleId} ${h.origin.path}:${h.line}`);
    expect(failing).toEqual([]);
  });
});
