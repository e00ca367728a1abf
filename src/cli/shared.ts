import { writeFileSync, renameSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../app/audit.js';
import { allChecks } from '../checks/index.js';
import type { Config } from '../config/schema.js';
import { exitCodeOf, type Report } from '../model/report.js';
import { FAIL_ON_VALUES, type FailOn } from '../model/severity.js';
import { FORMATS, render, type Format } from '../report/index.js';

export const EXIT = { ready: 0, notReady: 1, usage: 2, incomplete: 3 } as const;

export function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices([...FORMATS]).default('text');
}

export function failOnOption(): Option {
  return new Option('--fail-on <severity>', 'the verdict is not-ready when a failing finding is at or above this severity').choices([...FAIL_ON_VALUES]).default('high');
}

export function positiveInt(flag: string): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v) || Number(v) <= 0) throw new InvalidArgumentError(`${flag} expects a whole number above 0, got "${v}"`);
    return Number(v);
  };
}

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

/** Writes a file atomically (temp + rename) so an interrupted run never leaves half a report. */
export function writeAtomic(file: string, text: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (err) {
    throw new UsageError(`--out ${file}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

export interface EmitOptions {
  format: Format;
  out?: string;
  verbose?: boolean;
  config?: Partial<Config>;
}

/** Renders the report, prints or writes it, and returns the exit code of its verdict. */
export function emitReport(report: Report, opts: EmitOptions): number {
  const color = !opts.out && opts.format === 'text' && process.stdout.isTTY === true && !process.env['NO_COLOR'];
  const text = render(report, opts.format, { color, verbose: opts.verbose ?? false, checksMeta: allChecks.map((c) => c.meta), ...(opts.config ? { config: opts.config } : {}) });
  if (opts.out) {
    writeAtomic(opts.out, text);
    if (process.stderr.isTTY) process.stderr.write(`${report.verdict} (score ${report.score}) — report written to ${opts.out}\n`);
  } else process.stdout.write(text);
  return exitCodeOf(report.verdict);
}

export function failOnValue(v: string): FailOn {
  return v as FailOn;
}
