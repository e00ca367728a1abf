import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScan } from '../../src/cli/commands/scan.js';
import { scanRepository } from '../../src/secrets/scan.js';
import { makeSynth } from '../../src/secrets/rules/synth.js';
import { cleanup, git, tempDir, writeFiles } from './helpers.js';

/**
 * History attribution (issue #16 secrets 6): a secret removed from one path is reported at that path even
 * when the same value still lives elsewhere in HEAD, and a blob copied to a new path is attributed to
 * every path that introduced it, each with its own commit.
 */
const s = makeSynth(1617);
const TOKEN = s('ghp_{{gh}}');
const STRIPE = s('sk_live_{{a62:32}}');

describe('history attribution', () => {
  let repo: string;
  const commits: Record<string, string> = {};
  beforeAll(() => {
    repo = tempDir('hist-attr-');
    git(repo, 'init', '-q', '-b', 'main');
    writeFiles(repo, {
      'config/ci.env': `GITHUB_TOKEN=${TOKEN}\nCI=1\n`,
      'scripts/release.env': `GITHUB_TOKEN=${TOKEN}\nRELEASE=1\n`,
      'src/billing.py': `STRIPE_KEY = "${STRIPE}"\n`,
    });
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'first');
    commits.first = git(repo, 'rev-parse', 'HEAD');
    // The token is removed from config/ci.env only: it still lives in scripts/release.env at HEAD.
    writeFiles(repo, { 'config/ci.env': 'GITHUB_TOKEN=${GITHUB_TOKEN}\nCI=1\n' });
    git(repo, 'commit', '-qam', 'remove token from ci.env');
    // The billing module is copied verbatim (same blob) to a new path.
    writeFiles(repo, { 'legacy/billing.py': `STRIPE_KEY = "${STRIPE}"\n` });
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'copy billing to legacy');
    commits.copy = git(repo, 'rev-parse', 'HEAD');
    // Later both copies are cleaned up.
    git(repo, 'rm', '-q', 'src/billing.py', 'legacy/billing.py');
    git(repo, 'commit', '-qm', 'remove billing');
  });
  afterAll(() => cleanup(repo));

  it('attributes a copied blob to every path that introduced it, each with its own commit', async () => {
    const r = await scanRepository({ root: repo, history: true });
    const stripe = r.history!.hits.filter((h) => h.ruleId === 'stripe-secret-key').map((h) => `${h.origin.path}@${h.origin.commit}`);
    expect(stripe.sort()).toEqual([`legacy/billing.py@${commits.copy}`, `src/billing.py@${commits.first}`]);
  });

  it('reports a secret removed from one path at that path although the value lives on elsewhere in HEAD', async () => {
    const report = await runScan({ root: repo, history: true, failOn: 'high' });
    const hist = report.findings.filter((f) => f.check === 'secrets/history-secret' && f.status === 'fail').map((f) => f.location.file).sort();
    expect(hist).toEqual(['config/ci.env', 'legacy/billing.py', 'src/billing.py']);
    // The copy still in the tree is reported once, as a committed secret, not as history.
    const tree = report.findings.filter((f) => f.check === 'secrets/committed-secret' && f.status === 'fail').map((f) => f.location.file);
    expect(tree).toEqual(['scripts/release.env']);
  });
});

describe('a new version of a large file is scanned around what changed, with correct lines', () => {
  let repo: string;
  const commits: string[] = [];
  const filler = Array.from({ length: 6000 }, (_, i) => `export const value${i} = compute(${i}, "${'x'.repeat(i % 40)}");`);
  const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString().trim();
  const AWS_ID = s('AKIA{{B32:16}}');
  beforeAll(() => {
    repo = tempDir('hist-region-');
    git(repo, 'init', '-q', '-b', 'main');
    const commit = (lines: string[], msg: string) => {
      writeFiles(repo, { 'src/big.ts': `${lines.join('\n')}\n` });
      git(repo, 'add', '-A');
      git(repo, 'commit', '-qm', msg);
      commits.push(git(repo, 'rev-parse', 'HEAD'));
    };
    commit(filler, 'big file');
    const v2 = [...filler];
    v2.splice(3000, 0, `const id = "${AWS_ID}";`);
    commit(v2, 'add key id in the middle');
    const v3 = [...v2, ...pem.split('\n').map((l) => `// ${l}`.slice(3))];
    commit(v3, 'append a key at the end');
    const v4 = [...v3.slice(0, 10), '// edited near the top', ...v3.slice(10)];
    commit(v4, 'edit near the top');
    commit(filler, 'revert everything');
  });
  afterAll(() => cleanup(repo));

  it('finds each secret once, at the line and commit that introduced it', async () => {
    const r = await scanRepository({ root: repo, history: true });
    const got = r.history!.hits.map((h) => `${h.ruleId}:${h.line}@${commits.indexOf(h.origin.commit!)}`).sort();
    expect(got).toEqual([`aws-access-key-id:3001@1`, `private-key:6002@2`]);
    // Later versions were read around their changes only.
    expect(r.history!.blobs).toBe(4);
  });
});
