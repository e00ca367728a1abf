#!/usr/bin/env node
// The GitHub Action's logic (action.yml runs this): INPUT_* variables → one `launchready audit`
// command line; then the SARIF file for code scanning, the Markdown summary for the job summary,
// and the outputs. It never fails the step itself: action.yml fails the job by the audit's exit
// code after the SARIF upload, so a failing audit still shows its findings in code scanning.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Input `fail-on` arrives as INPUT_FAIL_ON (action.yml's env), or INPUT_FAIL-ON (GitHub's own spelling). */
export function input(env, name) {
  const key = `INPUT_${name.toUpperCase()}`;
  return (env[key.replace(/-/g, '_')] ?? env[key] ?? '').trim();
}

/** Splits the `args` input like a shell would for plain words and quoted strings (no expansion). */
export function splitArgs(text) {
  const out = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m; (m = re.exec(text)); ) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** The audit's argv (after `launchready`) for the action's inputs; the report goes to `jsonOut`. */
export function auditArgs(env, jsonOut) {
  const args = ['audit'];
  const target = input(env, 'target');
  const config = input(env, 'config');
  if (!target && !config) throw new Error('launchready action: set `target` (a URL) or `config` (a launchready.yml), or both');
  if (target) args.push(target);
  if (config) args.push('--config', config);
  args.push('--fail-on', input(env, 'fail-on') || 'high');
  const baseline = input(env, 'baseline');
  if (baseline) args.push('--baseline', baseline);
  const maxRequests = input(env, 'max-requests');
  if (maxRequests) args.push('--max-requests', maxRequests);
  args.push(...splitArgs(input(env, 'args')));
  args.push('--format', 'json', '--out', jsonOut);
  return args;
}

/** Whether the job fails for this exit code: 1 (not ready) always, 3 (incomplete) unless allowed. */
export function shouldFail(code, env) {
  if (code === 0) return false;
  if (code === 3) return input(env, 'fail-on-incomplete') !== 'false';
  return true;
}

export async function main(env = process.env) {
  const dir = join(env.RUNNER_TEMP || join(ROOT, 'test', '.work'), 'launchready');
  mkdirSync(dir, { recursive: true });
  const jsonOut = join(dir, 'report.json');
  const sarifOut = join(dir, 'launchready.sarif');
  const args = auditArgs(env, jsonOut);
  console.log(`launchready ${args.join(' ')}`);
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'launchready.js'), ...args], { stdio: 'inherit', env });
  const [status] = await once(child, 'close');
  const code = typeof status === 'number' ? status : 3;
  const outputs = { 'exit-code': String(code), sarif: sarifOut, report: jsonOut };
  let report;
  try {
    report = JSON.parse(readFileSync(jsonOut, 'utf8'));
  } catch {
    // No report (a usage error): nothing to upload or summarise; the exit code says why.
  }
  if (report) {
    const { render } = await import(pathToFileURL(join(ROOT, 'dist', 'src', 'report', 'index.js')).href);
    const { allChecks } = await import(pathToFileURL(join(ROOT, 'dist', 'src', 'checks', 'index.js')).href);
    const checksMeta = allChecks.map((c) => c.meta);
    writeFileSync(sarifOut, render(report, 'sarif', { checksMeta }));
    if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, render(report, 'md', { checksMeta }) + '\n');
    Object.assign(outputs, { verdict: report.verdict, score: String(report.score) });
  }
  outputs.failed = String(shouldFail(code, env));
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, Object.entries(outputs).map(([k, v]) => `${k}=${v}\n`).join(''));
  return { code, outputs, args };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
