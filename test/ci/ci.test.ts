import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startDemoPortal, type DemoPortal } from '../../examples/demo-portal/src/index.js';
import { BIN, ROOT } from '../helpers.js';
import { dockerfileProblems } from './dockerfile-rules.js';

// The action's logic is plain JavaScript shipped next to action.yml.
const action = (await import(join(ROOT, 'ci', 'github-action.mjs'))) as {
  auditArgs(env: Record<string, string>, out: string): string[];
  shouldFail(code: number, env: Record<string, string>): boolean;
  splitArgs(s: string): string[];
  main(env: Record<string, string | undefined>): Promise<{ code: number; outputs: Record<string, string>; args: string[] }>;
};

interface ActionYml {
  inputs: Record<string, { default?: string; description: string }>;
  runs: { using: string; steps: Array<{ id?: string; run?: string; uses?: string; env?: Record<string, string>; if?: string }> };
}
const actionYml = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml;

describe('the GitHub Action (action.yml)', () => {
  it('is a composite action whose every input reaches the audit (or a step that uses it)', () => {
    expect(actionYml.runs.using).toBe('composite');
    const audit = actionYml.runs.steps.find((s) => s.id === 'audit')!;
    expect(audit.run).toMatch(/ci\/github-action\.mjs/);
    const script = readFileSync(join(ROOT, 'ci', 'github-action.mjs'), 'utf8');
    const whole = JSON.stringify(actionYml.runs.steps);
    for (const name of Object.keys(actionYml.inputs)) {
      const viaEnv = audit.env?.[`INPUT_${name.toUpperCase().replace(/-/g, '_')}`] === `\${{ inputs.${name} }}`;
      if (viaEnv) expect(script, `the script reads input ${name}`).toContain(`input(env, '${name}')`);
      else expect(whole, `input ${name} is used by a step`).toContain(`inputs.${name}`);
    }
    // SARIF goes to code scanning before the job fails, and the failure comes from the audit's exit code.
    const names = actionYml.runs.steps.map((s) => s.uses ?? s.id ?? s.run?.slice(0, 20));
    const upload = actionYml.runs.steps.findIndex((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'));
    const fail = actionYml.runs.steps.findIndex((s) => s.if?.includes('steps.audit.outputs.failed'));
    expect(upload, names.join(' | ')).toBeGreaterThan(actionYml.runs.steps.indexOf(audit));
    expect(fail).toBeGreaterThan(upload);
    expect(actionYml.runs.steps[upload]!.if).toContain('always()');
  });

  it('maps the inputs to one audit command line', () => {
    const env = {
      INPUT_TARGET: 'https://staging.example.com',
      INPUT_CONFIG: 'launchready.yml',
      INPUT_FAIL_ON: 'medium',
      INPUT_BASELINE: '.launchready-baseline.yml',
      INPUT_MAX_REQUESTS: '500',
      INPUT_ARGS: `--only authorization,session --max-rate 20 --resolve "app.example.com:443:10.0.0.5"`,
    };
    expect(action.auditArgs(env, '/tmp/r.json')).toEqual([
      'audit',
      'https://staging.example.com',
      '--config',
      'launchready.yml',
      '--fail-on',
      'medium',
      '--baseline',
      '.launchready-baseline.yml',
      '--max-requests',
      '500',
      '--only',
      'authorization,session',
      '--max-rate',
      '20',
      '--resolve',
      'app.example.com:443:10.0.0.5',
      '--format',
      'json',
      '--out',
      '/tmp/r.json',
    ]);
    // Defaults: --fail-on high; GitHub's own hyphenated variable names work too.
    expect(action.auditArgs({ 'INPUT_CONFIG': 'c.yml', 'INPUT_FAIL-ON': 'low' }, 'o')).toEqual(['audit', '--config', 'c.yml', '--fail-on', 'low', '--format', 'json', '--out', 'o']);
    expect(action.auditArgs({ INPUT_TARGET: 'http://x' }, 'o')).toContain('high');
    expect(() => action.auditArgs({}, 'o')).toThrow(/set `target`/);
    expect(action.splitArgs(`a 'b c' "d e"`)).toEqual(['a', 'b c', 'd e']);
  });

  it('fails the job for not-ready, and for incomplete unless fail-on-incomplete is false', () => {
    expect(action.shouldFail(0, {})).toBe(false);
    expect(action.shouldFail(1, {})).toBe(true);
    expect(action.shouldFail(2, {})).toBe(true);
    expect(action.shouldFail(3, {})).toBe(true);
    expect(action.shouldFail(3, { INPUT_FAIL_ON_INCOMPLETE: 'false' })).toBe(false);
  });
});

describe('the CI examples against the demo portal', () => {
  let portal: DemoPortal;
  beforeAll(async () => {
    portal = await startDemoPortal({ flaws: 'all' });
  });
  afterAll(() => portal?.close());

  it("the action's script: SARIF for code scanning, the summary, outputs, and the audit's exit code", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lr-action-'));
    const config = join(dir, 'launchready.yml');
    writeFileSync(config, 'budget: { maxRequests: 300 }\n');
    const summary = join(dir, 'summary.md');
    const output = join(dir, 'output.txt');
    const r = await action.main({
      ...process.env,
      LAUNCHREADY_LOOPBACK_ONLY: '1',
      INPUT_TARGET: portal.url,
      INPUT_CONFIG: config,
      INPUT_FAIL_ON: 'medium',
      INPUT_ARGS: '--only edge',
      RUNNER_TEMP: dir,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
    });
    const report = JSON.parse(readFileSync(r.outputs['report']!, 'utf8')) as { verdict: string; findings: unknown[] };
    expect(r.code).toBe({ ready: 0, 'not-ready': 1, incomplete: 3 }[report.verdict]);
    expect(report.verdict).toBe('not-ready'); // the flawed portal misses security headers (medium)
    const sarif = JSON.parse(readFileSync(r.outputs['sarif']!, 'utf8')) as { version: string; runs: Array<{ results: unknown[] }> };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.length).toBeGreaterThan(0);
    expect(readFileSync(summary, 'utf8')).toMatch(/not.ready/i);
    const out = readFileSync(output, 'utf8');
    expect(out).toContain(`exit-code=${r.code}\n`);
    expect(out).toContain('verdict=not-ready\n');
    expect(out).toContain('failed=true\n');
  }, 120_000);

  it('the GitLab CI example: its script line runs as written and leaves the JUnit report', async () => {
    const gl = parse(readFileSync(join(ROOT, 'examples', 'ci', 'gitlab-ci.yml'), 'utf8')) as { launchready: { variables: Record<string, string>; script: string[]; before_script: string[]; artifacts: { reports: { junit: string } } } };
    const job = gl.launchready;
    expect(job.before_script.join('\n')).toMatch(/apt-get install .*chromium.*rm -rf \/var\/lib\/apt\/lists/);
    const cwd = mkdtempSync(join(tmpdir(), 'lr-gitlab-'));
    writeFileSync(join(cwd, 'launchready.yml'), 'budget: { maxRequests: 300 }\n');
    const script = job.script.map((l) => l.replace(/^launchready /, `node "${BIN}" `)).join('\n');
    // Asynchronously: the demo portal answers from this very process.
    const r = await promisify(execFile)('bash', ['-c', script], {
      cwd,
      encoding: 'utf8',
      timeout: 170_000,
      env: { ...process.env, ...job.variables, LAUNCHREADY_LOOPBACK_ONLY: '1', LAUNCHREADY_TARGET: portal.url, LAUNCHREADY_CONFIG: 'launchready.yml', LAUNCHREADY_FAIL_ON: 'medium', LAUNCHREADY_ARGS: '--only edge' },
    }).then(
      () => ({ status: 0, stderr: '' }),
      (err: { code?: number; stderr?: string }) => ({ status: err.code, stderr: err.stderr ?? '' }),
    );
    expect(r.status, r.stderr).toBe(1);
    const junit = join(cwd, job.artifacts.reports.junit);
    expect(existsSync(junit)).toBe(true);
    expect(readFileSync(junit, 'utf8')).toMatch(/<testsuites[\s\S]*<failure/);
  }, 180_000);
});

describe('the Dockerfile', () => {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  it('keeps the rules: pinned base, non-root user, exec-form ENTRYPOINT ["launchready"], no curl|sh, apt lists removed', () => {
    expect(dockerfileProblems(text)).toEqual([]);
    expect(text).toMatch(/^ENTRYPOINT \["launchready"\]$/m);
    expect(text).toMatch(/chromium/);
    expect(text).toMatch(/bookworm-slim/);
    // The build stage has what `npm run build` reads (tsc's inputs and the schema generator).
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { build: string } };
    for (const script of pkg.scripts.build.match(/scripts\/[\w.-]+/g) ?? []) expect(text).toMatch(new RegExp(`COPY ${script.split('/')[0]} `));
    for (const dir of ['src', 'bin', 'examples']) expect(text).toMatch(new RegExp(`COPY ${dir} `));
  });

  it('the rule check itself catches each broken rule', () => {
    const bad = [
      'FROM node:latest',
      'RUN curl -fsSL https://example.com/install.sh | sh',
      'RUN apt-get install -y chromium',
      'ADD https://example.com/x.tgz /x',
      'ENTRYPOINT launchready',
    ].join('\n');
    const problems = dockerfileProblems(bad).join('\n');
    for (const p of [/not pinned/, /non-root USER/, /exec form/, /pipes a download/, /without apt-get update/, /no-install-recommends/, /apt lists/, /ADD of a URL/]) expect(problems).toMatch(p);
    expect(dockerfileProblems('FROM node:20.19.5-bookworm-slim\nUSER root\nENTRYPOINT ["x"]').join()).toMatch(/non-root/);
  });
});
