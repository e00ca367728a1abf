import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { makeSynth } from '../../src/secrets/rules/synth.js';

/** Key-shaped values built at run time (nothing key-shaped is committed). */
export function secrets(seed = 5) {
  const s = makeSynth(seed);
  return {
    stripe: s('sk_live_{{a62:32}}'),
    github: s('ghp_{{gh}}'),
    aws: s('AKIA{{B32:16}}'),
    awsSecret: s('{{b64:40}}'),
    openai: s('sk-proj-{{b64u:60}}T3BlbkFJ{{b64u:60}}'),
    slackHook: s('https://hooks.slack.com/services/T{{upper:8}}/B{{upper:10}}/{{a62:24}}'),
    dbPassword: s('{{a62:24}}'),
    jwtSecret: s('{{b64:40}}'),
    anthropic: s('sk-ant-api03-{{b64u:93}}AA'),
  };
}

export function tempDir(prefix: string): string {
  mkdirSync(join(process.cwd(), 'test', '.work'), { recursive: true });
  return mkdtempSync(join(process.cwd(), 'test', '.work', prefix));
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

export function git(root: string, ...args: string[]): string {
  const r = spawnSync('git', ['-C', root, '-c', 'user.email=dev@acme.test', '-c', 'user.name=Dev', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export { tmpdir };
