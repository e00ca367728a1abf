import { describe, expect, it } from 'vitest';
import { formatDuration, loadDurationProblem, parseDuration } from '../../src/config/duration.js';
import { ConfigError, parseConfigText } from '../../src/config/load.js';
import { parseDuration as loadParse } from '../../src/load/plan.js';
import { parseDuration as monitorParse } from '../../src/monitor/duration.js';

/** One duration rule for launchready.yml: units, or a bare number of milliseconds — in load: and monitor: alike. */
describe('the duration rule', () => {
  it('reads units, and a bare number as milliseconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration(250)).toBe(250);
    expect(parseDuration('250')).toBe(250);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration(-1)).toBeUndefined();
    expect(formatDuration(90_000)).toBe('1m30s');
  });

  it('load: and monitor: read the same value the same way (load used to read a bare number as seconds)', () => {
    for (const v of ['1500ms', '10s', '2m', 2500]) expect(loadParse(v, 0)).toBe(monitorParse(v));
  });

  it('a short bare number for a load duration is refused with the fix, located in the file', () => {
    expect(loadDurationProblem(30)).toMatch(/a bare number is milliseconds: 30 ms is too short for a load test; write 30s for seconds/);
    expect(loadDurationProblem('30s')).toBeUndefined();
    expect(loadDurationProblem(5000)).toBeUndefined();
    let err: unknown;
    try {
      parseConfigText('target: http://127.0.0.1:1\nload:\n  rate: 5\n  duration: 30\n', 'launchready.yml', {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/^launchready\.yml:4:13: load\.duration: a bare number is milliseconds: 30 ms is too short/);
  });

  it('a malformed duration names the rule, in load: and in monitor: alike', () => {
    const at = (yaml: string): string => {
      try {
        parseConfigText(yaml, 'launchready.yml', {});
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(at('load:\n  warmup: 2 minutes\n')).toMatch(/^launchready\.yml:2:11: load\.warmup: expected a duration such as 500ms, 30s, 2m or 1h \(a bare number is milliseconds\)/);
    expect(at('target: http://127.0.0.1:1\nmonitor:\n  interval: 2 minutes\n')).toMatch(/^launchready\.yml:3:13: monitor\.interval: expected a duration such as 30s/);
  });
});
