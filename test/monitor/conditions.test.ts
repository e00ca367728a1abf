import { describe, expect, it } from 'vitest';
import { ConditionSyntaxError, evaluateCondition, parseCondition, type Observation } from '../../src/monitor/conditions.js';

const obs: Observation = {
  connected: true,
  status: 200,
  responseTimeMs: 120,
  body: '{"status":"ok","items":[{"id":7}],"db":{"latency":3},"token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefgh"}',
  json: { status: 'ok', items: [{ id: 7 }], db: { latency: 3 }, token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefgh' },
  headers: { 'content-type': 'application/json; charset=utf-8' },
  certificateExpiresInMs: 72 * 3600_000,
  certificateValid: true,
};

describe('Gatus-style conditions', () => {
  const table: Array<[string, boolean]> = [
    ['[STATUS] == 200', true],
    ['[STATUS] == 503', false],
    ['[STATUS] < 400', true],
    ['[STATUS] == any(200, 204)', true],
    ['[STATUS] != any(200, 204)', false],
    ['[RESPONSE_TIME] < 300', true],
    ['[RESPONSE_TIME] < 100ms', false],
    ['[RESPONSE_TIME] <= 1s', true],
    ['[BODY].status == ok', true],
    ['[BODY].status == "ok"', true],
    ['[BODY].status == degraded', false],
    ['[BODY]/status == ok', true],
    ['[BODY].items[0].id == 7', true],
    ['[BODY]/items/0/id == 7', true],
    ['[BODY].db.latency < 10', true],
    ['[BODY].missing == ok', false],
    ['[BODY] contains "status":"ok"', true],
    ['[BODY] !contains error', true],
    ['[BODY] == pat(*"status":"ok"*)', true],
    ['len([BODY].items) == 1', true],
    ['len([BODY].items) > 1', false],
    ['has([BODY].errors) == false', true],
    ['has([BODY].items) == true', true],
    ['[HEADER].content-type contains json', true],
    ['[CERTIFICATE_EXPIRATION] > 48h', true],
    ['[CERTIFICATE_EXPIRATION] > 7d', false],
    ['[CERTIFICATE_VALID] == true', true],
    ['[CONNECTED] == true', true],
  ];
  for (const [text, expected] of table) {
    it(`${text} → ${expected ? 'pass' : 'fail'}`, () => {
      expect(evaluateCondition(parseCondition(text), obs).ok).toBe(expected);
    });
  }

  it('fails conditions on values the probe did not see (no response: no status)', () => {
    const down: Observation = { connected: false };
    expect(evaluateCondition(parseCondition('[STATUS] == 200'), down)).toEqual({ text: '[STATUS] == 200', ok: false, actual: '(none)' });
    expect(evaluateCondition(parseCondition('[CONNECTED] == true'), down).ok).toBe(false);
  });

  it('reports the value it saw, with secrets in the body redacted', () => {
    const r = evaluateCondition(parseCondition('[BODY].token == x'), obs);
    expect(r.ok).toBe(false);
    expect(r.actual).toContain('[redacted');
    expect(r.actual).not.toContain('abcdefgh');
  });

  const bad: Array<[string, RegExp]> = [
    ['STATUS == 200', /expected a placeholder first/],
    ['[STATUSCODE] == 200', /unknown placeholder \[STATUSCODE\]/],
    ['[STATUS] 200', /expected an operator/],
    ['[STATUS] ==', /expected an operator|nothing to compare/],
    ['[RESPONSE_TIME] < fast', /expected a number or a duration/],
    ['[STATUS].x == 1', /only \[BODY\] and \[HEADER\] take a path/],
  ];
  for (const [text, message] of bad) {
    it(`refuses "${text}" with a message that says what was expected`, () => {
      expect(() => parseCondition(text)).toThrow(ConditionSyntaxError);
      expect(() => parseCondition(text)).toThrow(message);
    });
  }
});
