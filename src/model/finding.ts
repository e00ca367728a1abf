import { createHash } from 'node:crypto';
import type { Area } from './area.js';
import type { Severity } from './severity.js';

export const STATUSES = ['fail', 'warn', 'pass', 'skip', 'error'] as const;
/**
 * fail: the checklist item is broken here. warn: worth fixing, not a failure.
 * pass: tested and fine. skip: not tested or not applicable (always with a reason).
 * error: the check could not run (the target broke, a deadline passed) — never a pass.
 */
export type Status = (typeof STATUSES)[number];

export interface Location {
  url?: string;
  method?: string;
  file?: string;
  line?: number;
  column?: number;
  commit?: string;
  date?: string;
  domain?: string;
  record?: string;
  /** Anything else that pins the place down (a cookie name, a header, an identity). */
  detail?: string;
}

/** A secret as reports may show it: never the value itself. */
export interface RedactedValue {
  prefix: string;
  length: number;
  sha256: string;
}

export interface Evidence {
  /** Redacted request, e.g. "GET /api/invoices/7\nAuthorization: Bearer <redacted …>". */
  request?: string;
  /** Redacted response: status line, relevant headers, a body excerpt. */
  response?: string;
  /** A command that reproduces the finding (curl), secrets replaced by placeholders. */
  reproduce?: string;
  value?: RedactedValue;
  /** Free-form supporting facts (record text, measured numbers). */
  notes?: string[];
}

export interface Finding {
  /** Stable fingerprint: same problem at the same place → same id in every run. */
  id: string;
  check: string;
  area: Area;
  severity: Severity;
  status: Status;
  title: string;
  location: Location;
  evidence: Evidence;
  fix: string;
  references: string[];
  /** Present on skip and error: why it was not tested. */
  reason?: string;
}

/**
 * The fingerprint hashes the check, the place and an optional discriminator chosen by the check
 * (never volatile data such as timestamps, ports of ephemeral servers are part of the URL the user gave).
 */
export function fingerprint(check: string, location: Location, discriminator = ''): string {
  const place = [
    location.method ?? '',
    location.url ?? '',
    location.file ?? '',
    location.line ?? '',
    location.commit ?? '',
    location.domain ?? '',
    location.record ?? '',
    location.detail ?? '',
  ].join('\u0000');
  return createHash('sha256').update(`${check}\u0000${place}\u0000${discriminator}`).digest('hex').slice(0, 16);
}
