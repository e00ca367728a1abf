import { describe, expect, it } from 'vitest';
import { measureAlone } from '../../src/load/alone.js';

describe('measureAlone', () => {
  it('runs the load phase and the browser measurements of one run one after the other, even when one fails', async () => {
    const run = {};
    const events: string[] = [];
    const step = (name: string, ms: number, fail = false) => () =>
      new Promise<string>((resolve, reject) => {
        events.push(`${name} start`);
        setTimeout(() => {
          events.push(`${name} end`);
          if (fail) reject(new Error(name));
          else resolve(name);
        }, ms);
      });
    const a = measureAlone(run, step('load', 30, true));
    const b = measureAlone(run, step('browser', 5));
    const other = measureAlone({}, step('other run', 1));
    await expect(a).rejects.toThrow('load');
    await expect(b).resolves.toBe('browser');
    await other;
    expect(events.filter((e) => !e.startsWith('other'))).toEqual(['load start', 'load end', 'browser start', 'browser end']);
    // Another run does not wait for this one.
    expect(events.indexOf('other run end')).toBeLessThan(events.indexOf('load end'));
  });
});
