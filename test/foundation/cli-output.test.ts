import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, requestedCommand } from '../../src/cli/program.js';
import { prepareOut, useColor } from '../../src/cli/shared.js';
import { BIN, ROOT, runCli } from '../helpers.js';

describe('commands are loaded on demand', () => {
  it('finds the command argv asks for, also behind help and options', () => {
    expect(requestedCommand(['node', 'lr', 'scan', '.'])).toBe('scan');
    expect(requestedCommand(['node', 'lr', '--verbose', 'audit'])).toBe('audit');
    expect(requestedCommand(['node', 'lr', 'help', 'serve'])).toBe('serve');
    expect(requestedCommand(['node', 'lr', '--version'])).toBeUndefined();
    expect(requestedCommand(['node', 'lr', 'frobnicate'])).toBeUndefined();
  });

  it("every row's summary matches the command it loads (name, arguments, description)", async () => {
    for (const entry of COMMANDS) {
      const cmd = await entry.load();
      expect(cmd.name()).toBe(entry.name);
      expect(cmd.description()).toBe(entry.description);
      const args = cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' ');
      expect(entry.term).toBe(`${entry.name} [options]${args ? ` ${args}` : ''}`);
    }
  });

  it('launchready help scan shows the scan help', async () => {
    const r = await runCli(['help', 'scan']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--history');
  });
});

describe('output files and terminals', () => {
  it('--out into a missing directory creates it (as --save does)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lr-out-'));
    const empty = mkdtempSync(join(tmpdir(), 'lr-empty-'));
    const out = join(dir, 'reports', 'nested', 'scan.json');
    const r = await runCli(['scan', empty, '--format', 'json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).verdict).toBe('ready');
  });

  it('--out naming a directory, or under a file, is a usage error before the run starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lr-out-'));
    writeFileSync(join(dir, 'file'), 'x');
    // The target would hang for ever: the error must come before any request.
    const a = await runCli(['audit', 'http://127.0.0.1:9', '--out', dir]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--out .*: is a directory/);
    const b = await runCli(['audit', 'http://127.0.0.1:9', '--out', join(dir, 'file', 'r.json')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--out .*: cannot create/);
    expect(() => prepareOut(join(dir, 'file', 'x', 'r.json'))).toThrow(/ENOTDIR|EEXIST/);
  });

  it('--max-requests rejects absurd budgets', async () => {
    const r = await runCli(['audit', 'http://127.0.0.1:9', '--max-requests', '1000000000000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--max-requests expects at most 1000000/);
  });

  it('colour only on a terminal, never with TERM=dumb or NO_COLOR', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: false }, { TERM: 'xterm-256color' })).toBe(false);
  });

  it('a reader that closes the pipe early (--help | head -1) is not a crash', async () => {
    for (const args of [['--help'], ['audit', '--help']]) {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.destroy();
      const [code] = (await once(child, 'close')) as [number | null];
      expect(stderr, args.join(' ')).not.toMatch(/EPIPE|Error/);
      expect(code, args.join(' ')).toBe(0);
    }
  });

  it('demo has --out', async () => {
    const r = await runCli(['demo', '--help']);
    expect(r.stdout).toContain('--out');
    expect(existsSync(BIN)).toBe(true);
  });
});
