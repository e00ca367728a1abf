import { z } from 'zod';
import { AREAS } from '../model/area.js';
import { STATUSES } from '../model/finding.js';
import type { Report } from '../model/report.js';
import { SEVERITIES } from '../model/severity.js';

/**
 * The JSON contract of `--format json` as a validator, for reports that arrive over the network
 * (POST /api/audits) or from a file. Bounded everywhere: lengths, counts, nesting. A secret's
 * evidence may only be `{prefix (≤ 4 characters), length, sha256}` — a longer prefix is refused, so
 * the dashboard can never be made to store a value.
 */

const text = (max: number) => z.string().max(max);
const count = z.number().int().nonnegative().max(1e12);
const ms = z.number().nonnegative().max(1e12);

const LocationSchema = z
  .object({
    url: text(4096).optional(),
    method: text(16).optional(),
    file: text(4096).optional(),
    line: count.optional(),
    column: count.optional(),
    commit: text(80).optional(),
    date: text(64).optional(),
    domain: text(512).optional(),
    record: text(4096).optional(),
    detail: text(4096).optional(),
  })
  .strict();

const RedactedValueSchema = z
  .object({
    prefix: text(4),
    length: count,
    sha256: z.string().regex(/^[0-9a-f]{64}$/i, 'a hex SHA-256'),
  })
  .strict();

const EvidenceSchema = z
  .object({
    request: text(64_000).optional(),
    response: text(64_000).optional(),
    reproduce: text(16_000).optional(),
    value: RedactedValueSchema.optional(),
    notes: z.array(text(8_000)).max(200).optional(),
  })
  .strict();

export const FindingSchema = z
  .object({
    id: z.string().regex(/^[0-9a-f]{16}$/, 'a 16-hex-digit fingerprint'),
    check: text(200),
    area: z.enum(AREAS),
    severity: z.enum(SEVERITIES),
    status: z.enum(STATUSES),
    title: text(2000),
    location: LocationSchema,
    evidence: EvidenceSchema,
    fix: text(8000),
    references: z.array(text(2000)).max(50),
    reason: text(4000).optional(),
  })
  .strict();

const statusCounts = z.object(Object.fromEntries(STATUSES.map((s) => [s, count])) as Record<(typeof STATUSES)[number], typeof count>).strict();

const LatencySchema = z
  .object({
    p50: ms,
    p90: ms,
    p95: ms,
    p99: ms,
    max: ms,
    count,
    errors: count,
    histogram: z.array(z.tuple([ms, count])).max(500).optional(),
  })
  .strict();

export const ReportSchema = z
  .object({
    tool: z.object({ name: text(100), version: text(100) }).strict(),
    target: text(4096),
    startedAt: z.iso.datetime({ offset: true }),
    durationMs: ms,
    verdict: z.enum(['ready', 'not-ready', 'incomplete']),
    incomplete: z.array(text(4000)).max(200),
    score: z.number().int().min(0).max(100).nullable(),
    scorecard: z
      .array(z.object({ area: z.enum(AREAS), status: z.enum(STATUSES), counts: statusCounts }).strict())
      .max(AREAS.length),
    findings: z.array(FindingSchema).max(20_000),
    blockers: z.array(z.string().regex(/^[0-9a-f]{16}$/)).max(20_000),
    accessMatrix: z
      .array(
        z
          .object({
            method: text(16),
            path: text(4096),
            identity: text(200),
            expected: text(200),
            observed: text(200),
            verdict: z.enum(['ok', 'leak', 'not-tested', 'error']),
          })
          .strict(),
      )
      .max(20_000),
    latency: z.record(text(500), LatencySchema),
    stats: z
      .object({
        requests: count,
        bytes: count,
        areaDurationsMs: z.partialRecord(z.enum(AREAS), ms),
      })
      .strict(),
    facts: z.record(text(200), z.unknown()).optional(),
    suppressed: z.array(z.object({ id: text(64), reason: text(4000), expires: text(64).optional() }).strict()).max(20_000).optional(),
    scoreNote: text(4000).optional(),
    coverage: z
      .array(
        z
          .object({
            area: z.enum(AREAS),
            state: z.enum(['tested', 'partial', 'untested', 'waived', 'not-selected']),
            reason: text(8000).optional(),
            hint: text(4000).optional(),
            missing: z.array(text(500)).max(50).optional(),
          })
          .strict(),
      )
      .max(AREAS.length)
      .optional(),
    waivers: z.array(z.object({ area: z.enum(AREAS), reason: text(4000) }).strict()).max(AREAS.length).optional(),
    blockerGroups: z
      .array(
        z
          .object({
            id: z.string().regex(/^[0-9a-f]{16}$/),
            check: text(200),
            area: z.enum(AREAS),
            severity: z.enum(SEVERITIES),
            title: text(4000),
            checkTitle: text(2000).optional(),
            fix: text(8000),
            findings: z.array(z.string().regex(/^[0-9a-f]{16}$/)).max(20_000),
            places: z.array(text(8000)).max(20_000),
            effort: z.object({ hours: z.number().nonnegative().max(10_000), basis: text(2000) }).strict(),
          })
          .strict(),
      )
      .max(20_000)
      .optional(),
    sprint: z
      .object({
        capacityHours: z.number().positive().max(10_000),
        totalHours: z.number().nonnegative().max(1e7),
        fits: z.boolean(),
        slots: z
          .array(
            z
              .object({
                phase: text(100),
                title: text(500),
                groups: z.array(z.string().regex(/^[0-9a-f]{16}$/)).max(20_000),
                hours: z.number().nonnegative().max(1e7),
                startHour: z.number().nonnegative().max(1e7),
                endHour: z.number().nonnegative().max(1e7),
              })
              .strict(),
          )
          .max(50),
        overflow: z.array(z.string().regex(/^[0-9a-f]{16}$/)).max(20_000),
        basis: text(2000),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const ids = new Set(r.findings.map((f) => f.id));
    if (ids.size !== r.findings.length) ctx.addIssue({ code: 'custom', path: ['findings'], message: 'finding ids must be unique' });
    r.blockers.forEach((b, i) => {
      if (!ids.has(b)) ctx.addIssue({ code: 'custom', path: ['blockers', i], message: 'names no finding of this report' });
    });
    r.blockerGroups?.forEach((g, i) => {
      g.findings.forEach((b, j) => {
        if (!ids.has(b)) ctx.addIssue({ code: 'custom', path: ['blockerGroups', i, 'findings', j], message: 'names no finding of this report' });
      });
    });
    if ((r.score === null) !== (r.scoreNote !== undefined)) ctx.addIssue({ code: 'custom', path: ['scoreNote'], message: 'a report without a score says why (scoreNote), and only then' });
  });

export type ReportInput = z.input<typeof ReportSchema>;

/** Thrown when a report does not follow the JSON contract; the message names the first problems. */
export class InvalidReport extends Error {
  constructor(
    message: string,
    readonly issues: Array<{ path: string; message: string }>,
  ) {
    super(message);
    this.name = 'InvalidReport';
  }
}

export function parseReport(value: unknown): Report {
  const r = ReportSchema.safeParse(value);
  if (r.success) return r.data as Report;
  const issues = r.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join('.') || '(report)', message: i.message }));
  throw new InvalidReport(`not a launchready report: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}
