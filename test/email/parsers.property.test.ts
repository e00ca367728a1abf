import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDkimKey } from '../../src/mail/dkim.js';
import { parseDmarc } from '../../src/mail/dmarc.js';
import { parseDomainSpec, parseMacroString } from '../../src/mail/spf/macro.js';
import { parseSpf } from '../../src/mail/spf/parse.js';

/**
 * The record parsers read whatever DNS returns, which is attacker-controlled text: they must return a
 * value (with errors) for every input, never throw. 10,000 cases each, from three generators: any
 * string, record-shaped strings built from the grammar's own pieces, and mutations of real records.
 */
const RUNS = 10_000;

const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 300 }));

const spfPiece = fc.oneof(
  fc.constantFrom('all', '-all', '~all', '?all', '+all', 'a', 'mx', 'ptr', 'a/24', 'mx//64', 'a:%{d}', 'include:', 'exists:%{i}.%{l1r-}.x.', 'ip4:', 'ip6:', 'redirect=', 'exp=', '%', '%{', '}', '/', '//', ':', '=', '.', '-', '%%', '%_', '%-'),
  fc.string({ maxLength: 20 }),
  fc.stringMatching(/^[a-z0-9.%{}/:=_+-]{0,30}$/),
);
const spfLike = fc.tuple(fc.array(spfPiece, { maxLength: 15 }), fc.constantFrom(' ', '', '  ')).map(([parts, sep]) => `v=spf1 ${parts.join(sep)}`);

const tagName = fc.constantFrom('v', 'p', 'k', 'h', 's', 't', 'n', 'sp', 'np', 'rua', 'ruf', 'pct', 'adkim', 'aspf', 'fo', 'rf', 'ri', 'psd', 'x', '', '1');
const tagValue = fc.oneof(
  fc.constantFrom('DKIM1', 'DMARC1', 'rsa', 'ed25519', 'sha256', 'sha1:sha256', 'y', 's', 'none', 'reject', 'quarantine', 'mailto:a@b.example', 'mailto:x@y.example!10m,mailto:z', '100', '101', '-1', 'r', '0:1:d:s', ''),
  fc.base64String({ maxLength: 400 }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const tagListLike = fc
  .tuple(fc.array(fc.tuple(tagName, tagValue, fc.constantFrom('=', ' = ', '==', '')), { maxLength: 12 }), fc.constantFrom('; ', ';', ';;', ' '))
  .map(([tags, sep]) => tags.map(([n, v, eq]) => `${n}${eq}${v}`).join(sep));

function mutate(base: string) {
  return fc.tuple(fc.nat(base.length), fc.nat(8), fc.string({ unit: 'binary', maxLength: 8 })).map(([at, del, ins]) => base.slice(0, at) + ins + base.slice(at + del));
}

const REAL_DKIM =
  'v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB';

describe('parsers never throw on arbitrary input', () => {
  it(`parseSpf (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.oneof(anyText, spfLike, mutate('v=spf1 ip4:192.0.2.0/24 include:_spf.example.com a:%{d} mx//64 exists:%{ir}.%{v}._spf.%{d2} redirect=x.example.com -all')), (s) => {
        const r = parseSpf(s);
        expect(typeof r.ok).toBe('boolean');
        expect(r.ok).toBe(r.errors.length === 0 && r.isSpf);
      }),
      { numRuns: RUNS },
    );
  });

  it(`SPF macro and domain-spec parsing (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.stringMatching(/^[a-z%{}0-9.rR_+,/=-]{0,40}$/)), (s) => {
        parseMacroString(s, 'explain');
        parseMacroString(s, 'modifier');
        parseDomainSpec(s);
      }),
      { numRuns: RUNS },
    );
  });

  it(`parseDkimKey (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.oneof(anyText, tagListLike, mutate(REAL_DKIM)), (s) => {
        const r = parseDkimKey(s);
        expect(r.ok).toBe(r.errors.length === 0);
      }),
      { numRuns: RUNS },
    );
  });

  it(`parseDmarc (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.oneof(anyText, tagListLike, mutate('v=DMARC1; p=quarantine; sp=reject; pct=50; rua=mailto:dmarc@example.com,mailto:x@reports.example.net!10m; adkim=s; aspf=r; fo=1')), (s) => {
        const r = parseDmarc(s);
        expect(r.ok).toBe(r.errors.length === 0);
      }),
      { numRuns: RUNS },
    );
  });

  it('parsers also survive non-string input', () => {
    for (const v of [undefined, null, 42, {}, [], Symbol.iterator]) {
      expect(parseSpf(v).ok).toBe(false);
      expect(parseDkimKey(v).ok).toBe(false);
      expect(parseDmarc(v).ok).toBe(false);
    }
  });
});
