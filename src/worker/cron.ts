import cronParser from 'cron-parser';

/**
 * Cron expressions for scheduled audits, read by cron-parser (the parser pg-boss itself uses): five
 * fields (minute hour day month weekday) or six with seconds first, always in UTC.
 */
export interface ParsedCron {
  error?: string;
  /** Fire times t with from < t <= to, in ms, at most `max` of them. */
  ticks(fromMs: number, toMs: number, max?: number): number[];
}

export function parseCron(expr: string): ParsedCron {
  const text = expr.trim();
  const fields = text.split(/\s+/).length;
  if (fields !== 5 && fields !== 6) return { error: `"${text}" has ${fields} fields; a cron expression has 5 (minute hour day month weekday) or 6 (seconds first)`, ticks: () => [] };
  try {
    cronParser.parseExpression(text, { tz: 'UTC' });
  } catch (err) {
    return { error: `"${text}" is not a valid cron expression: ${(err as Error).message}`, ticks: () => [] };
  }
  return {
    ticks(fromMs, toMs, max = 100) {
      const it = cronParser.parseExpression(text, { tz: 'UTC', currentDate: new Date(fromMs), endDate: new Date(toMs + 1) });
      const out: number[] = [];
      while (out.length < max && it.hasNext()) {
        const t = it.next().getTime();
        if (t > toMs) break;
        if (t > fromMs) out.push(t);
      }
      return out;
    },
  };
}
