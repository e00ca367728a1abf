import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { spfVerify } from '../../src/mail/spf/evaluate.js';
import { loadZone, zoneResolver } from './spf-zone-standin.js';

/**
 * The openspf.org RFC 7208 conformance suite: every *.yml under test/fixtures/spf-conformance (shipped
 * in the repository with its licence, so it runs in every clone). Each section's zonedata is served by a stand-in resolver with the reference driver's
 * semantics; a case passes when our result is one of the listed results. Explanations are compared
 * case-insensitively: the suite's expected texts come from one implementation's spelling of IPv6
 * nibbles, and DNS names are case-insensitive anyway.
 */
const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const suiteDir = path.join(repoRoot, 'test', 'fixtures', 'spf-conformance');
const files = existsSync(suiteDir) ? readdirSync(suiteDir).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml')) : [];

interface SuiteCase {
  helo: string;
  host: string;
  mailfrom: string;
  result: string | string[];
  explanation?: string;
  description?: string;
  spec?: string | string[];
}

/** Our own cases for the sections the shared half leaves out, in the same format (test/email/fixtures). */
const ownFile = path.join(repoRoot, 'test', 'email', 'fixtures', 'spf-more-cases.yml');

function runSuiteFile(file: string, fullPath: string): void {
    const docs = YAML.parseAllDocuments(readFileSync(fullPath, 'utf8'));
    for (const doc of docs) {
      const section = doc.toJS() as { description?: string; tests?: Record<string, SuiteCase>; zonedata?: Record<string, unknown[]> } | null;
      if (!section?.tests) continue;
      const zone = loadZone(section.zonedata ?? {});
      describe(`${file}: ${section.description ?? 'section'}`, () => {
        for (const [name, t] of Object.entries(section.tests!)) {
          it(`${name} (${[t.spec].flat().join(', ')})`, async () => {
            const outcome = await spfVerify({ ip: String(t.host), mailFrom: String(t.mailfrom ?? ''), helo: String(t.helo) }, zoneResolver(zone), { receiver: 'receiver.example.org' });
            const accepted = [t.result].flat().map(String);
            expect(accepted, `${name}: got ${outcome.result} (${outcome.reason}); ${t.description ?? ''}`).toContain(outcome.result);
            if (t.explanation !== undefined && outcome.result === 'fail') {
              if (t.explanation === 'DEFAULT') expect(outcome.explanation, `${name}: exp= must be ignored`).toBeUndefined();
              else expect(outcome.explanation?.toLowerCase(), `${name}: explanation`).toBe(String(t.explanation).toLowerCase());
            }
          });
        }
      });
    }
}

describe('RFC 7208 test suite (openspf.org sections shipped in test/fixtures/spf-conformance)', () => {
  it('has the suite data in the repository (never silently skipped)', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(existsSync(path.join(suiteDir, 'LICENSE'))).toBe(true);
  });
  for (const file of files) runSuiteFile(file, path.join(suiteDir, file));
});

describe('RFC 7208 cases for the other sections', () => {
  runSuiteFile('spf-more-cases.yml', ownFile);
});
