import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../app/errors.js';
import type { Config } from '../config/schema.js';
import { exitCodeOf, type Report } from '../model/report.js';
import { FAIL_ON_VALUES, type FailOn } from '../model/severity.js';
import { FORMATS, render, type Format } from '../report/index.js';

export { EXIT } from './exit.js';

export function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices([...FORMATS]).default('text');
}

export function failOnOption(): Option {
  return new Option('--fail-on <severity>', 'the verdict is not-ready when a failing finding is at or above this severity').choices([...FAIL_ON_VALUES]).default('high');
}

/** A whole number in 1..max (default: any safe integer); `max` keeps absurd values (1e12 requests) out. */
export function positiveInt(flag: string, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v) || Number(v) <= 0) throw new InvalidArgumentError(`${flag} expects a whole number above 0, got "${v}"`);
    if (Number(v) > max) throw new InvalidArgumentError(`${flag} expects at most ${max}, got "${v}"`);
    return Number(v);
  };
}

/** The most requests one run may be given with --max-requests (a budget, not a load test). */
export const MAX_REQUESTS_LIMIT = 1_000_000;

export function positiveNumber(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\d+(\.\d+)?$/.test(v) || n <= 0) throw new InvalidArgumentError(`${flag} expects a number above 0, got "${v}"`);
    return n;
  };
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Checks an --out path before any work starts: its directory is created when missing (as --save
 * does); a path that is a directory, or a directory that cannot be created, is a usage error now,
 * not after a ten-minute audit.
 */
export function prepareOut(file: string | undefined, flag = '--out'): void {
  if (!file) return;
  try {
    if (statSync(file).isDirectory()) throw new UsageError(`${flag} ${file}: is a directory (give a file name, e.g. ${join(file, 'report.json')})`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (err) {
    throw new UsageError(`${flag} ${file}: cannot create ${dirname(file)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Writes a file atomically (temp + rename) so an interrupted run never leaves half a report. */
export function writeAtomic(file: string, text: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (err) {
    throw new UsageError(`--out ${file}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Colour only on a real terminal that can show it: not with NO_COLOR, not with TERM=dumb. */
export function useColor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

export interface EmitOptions {
  format: Format;
  out?: string;
  verbose?: boolean;
  config?: Partial<Config>;
}

/** Formats that cite each check's metadata (rules, "why it matters"): only they load the check registry. */
const FORMATS_WITH_META: readonly Format[] = ['html', 'sarif', 'junit'];

/** Renders the report, prints or writes it, and returns the exit code of its verdict. */
export async function emitReport(report: Report, opts: EmitOptions): Promise<number> {
  const color = !opts.out && opts.format === 'text' && useColor(process.stdout);
  const checksMeta = FORMATS_WITH_META.includes(opts.format) ? (await import('../checks/index.js')).allChecks.map((c) => c.meta) : [];
  const text = render(report, opts.format, { color, verbose: opts.verbose ?? false, checksMeta, ...(opts.config ? { config: opts.config } : {}) });
  if (opts.out) {
    writeAtomic(opts.out, text);
    if (process.stderr.isTTY) process.stderr.write(`${report.verdict} (score ${report.score}) — report written to ${opts.out}\n`);
  } else process.stdout.write(text);
  return exitCodeOf(report.verdict);
}

export function failOnValue(v: string): FailOn {
  return v as FailOn;
}
