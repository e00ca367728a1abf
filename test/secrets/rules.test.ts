import { describe, expect, it } from 'vitest';
import { SecretEngine } from '../../src/secrets/engine.js';
import { RULES } from '../../src/secrets/rules/index.js';
import { makeSynth } from '../../src/secrets/rules/synth.js';
import type { Example } from '../../src/secrets/types.js';

const engine = new SecretEngine();

function expand(example: Example, seed: number): string {
  const synth = makeSynth(seed);
  return typeof example === 'function' ? example(synth) : synth(example);
}

/** A file name that makes the example a config value (unquoted values count there). */
const PATH = 'config/app.env';

describe('secret rule table (every rule carries examples the engine must agree with)', () => {
  it('has at least 60 rules with unique ids and a named secret group', () => {
    expect(RULES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.pattern.source, r.id).toMatch(/\(\?<secret>/);
      expect(r.keywords.length, r.id).toBeGreaterThan(0);
      for (const k of r.keywords) expect(k, r.id).toBe(k.toLowerCase());
      expect(r.examples.truePositives.length, r.id).toBeGreaterThan(0);
      expect(r.examples.trueNegatives.length, r.id).toBeGreaterThan(0);
    }
  });

  for (const rule of RULES) {
    describe(rule.id, () => {
      rule.examples.truePositives.forEach((ex, i) => {
        it(`finds true positive #${i + 1}`, () => {
          for (const seed of [1, 2, 3]) {
            const text = expand(ex, seed * 1000 + i);
            const hits = engine.scan(text, PATH).hits;
            expect(hits.map((h) => h.ruleId), `${rule.id} on example ${i + 1} (seed ${seed})`).toContain(rule.id);
          }
        });
      });
      rule.examples.trueNegatives.forEach((ex, i) => {
        it(`ignores true negative #${i + 1}`, () => {
          const text = expand(ex, 77 + i);
          const hits = engine.scan(text, PATH).hits.filter((h) => !h.publicByDesign);
          expect(hits.map((h) => `${h.ruleId}@${h.column}`), `${rule.id} negative ${i + 1}`).toEqual([]);
        });
      });
    });
  }
});
