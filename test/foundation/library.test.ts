import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';
import { ROOT } from '../helpers.js';

describe('launchready as a library', () => {
  it('exports the runs, the renderer and the report model', () => {
    for (const fn of ['runAudit', 'runScan', 'runDomain', 'render', 'createRun', 'loadConfigFile', 'exitCodeOf']) expect(typeof (lib as Record<string, unknown>)[fn], fn).toBe('function');
    expect(lib.FORMATS).toContain('sarif');
  });

  it('runScan returns the report model every format renders', async () => {
    const report: lib.Report = await lib.runScan({ root: mkdtempSync(join(tmpdir(), 'lr-lib-')), failOn: 'high' });
    expect(report.verdict).toBe('ready');
    expect(lib.exitCodeOf(report.verdict)).toBe(0);
    expect(JSON.parse(lib.render(report, 'json')).verdict).toBe('ready');
  });

  it('package.json exports a typed entry that resolves by the package name (built)', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; import: string } | string> };
    const main = pkg.exports['.'] as { types: string; import: string };
    expect(existsSync(join(ROOT, main.import)), 'npm run build first').toBe(true);
    expect(existsSync(join(ROOT, main.types))).toBe(true);
    expect(readFileSync(join(ROOT, main.types), 'utf8')).toMatch(/runAudit[\s\S]*runScan[\s\S]*runDomain[\s\S]*type Report/);
    // Self-reference by name goes through "exports", as an installed package would.
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', "const m = await import('launchready'); console.log(Object.keys(m).sort().join(','))"], { cwd: ROOT });
    expect(stdout).toMatch(/(^|,)runAudit,/);
    expect(stdout).toMatch(/runDomain/);
    expect(existsSync(join(ROOT, pkg.exports['./schema.json'] as string))).toBe(true);
  });
});
