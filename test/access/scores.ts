import { appendFileSync, mkdirSync } from 'node:fs';
import type { Score } from '../fixtures/access-kit/ground-truth.js';

/**
 * Per-fixture found / missed / false-alarm counts: printed, and appended to test/.work/access-scores.tsv
 * so one run of the fixture tests leaves the table the closing note quotes.
 */
export function recordScore(fixture: string, s: Score, requests: number): void {
  const line = `${fixture}\tfound ${s.found.length}\tmissed ${s.missed.length}${s.missed.length ? ` (${s.missed.join(', ')})` : ''}\tfalse alarms ${s.falseAlarms.length}${s.falseAlarms.length ? ` (${s.falseAlarms.join('; ')})` : ''}\trequests ${requests}`;
  console.log(`[access score] ${line}`);
  try {
    mkdirSync('test/.work', { recursive: true });
    appendFileSync('test/.work/access-scores.tsv', `${line}\n`);
  } catch {
    /* the printed line is enough */
  }
}
