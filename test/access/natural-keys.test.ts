import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { naturalKeysConfig, startNaturalKeysApi, type NaturalApi } from '../fixtures/natural-keys-api/server.js';
import { NATURAL_TRUTH } from '../fixtures/natural-keys-api/truth.js';
import { score } from '../fixtures/access-kit/ground-truth.js';
import { auditConfig } from './run.js';
import { recordScore } from './scores.js';

type Result = Awaited<ReturnType<typeof auditConfig>>;

describe('natural keys: titles and usernames in the path, no id ever returned', () => {
  let api: NaturalApi;
  let result: Result;
  beforeAll(async () => {
    api = await startNaturalKeysApi();
    result = await auditConfig(naturalKeysConfig(api), undefined, { allowWrites: true });
  }, 90_000);
  afterAll(() => api?.close());

  it('finds every planted flaw and flags no control', () => {
    const s = score(result.findings, NATURAL_TRUTH, { allowWrites: true });
    recordScore('natural-keys (--allow-writes)', s, result.requests);
    expect(s.missed).toEqual([]);
    expect(s.falseAlarms).toEqual([]);
  });

  it('says where the ids came from: the note list keyed by title, the username from GET /me', () => {
    const notes = result.findings.find((f) => f.check === 'authorization/bola' && f.status === 'fail' && /notes\/\{note_title\} .*read/.test(`${f.location.url} ${f.title}`));
    expect(notes?.evidence.notes?.join(' ')).toMatch(/\{note_title\} from (?:GET \/api\/v1\/notes|an object bob created \(POST \/api\/v1\/notes\))/);
    const user = result.findings.find((f) => f.check === 'authorization/bola' && f.status === 'fail' && /users\/\{username\}$/.test(f.location.url ?? ''));
    expect(user?.evidence.notes?.join(' ')).toMatch(/\{username\} from username in GET \/api\/v1\/me/);
  });

  it('leaves the notes as they were (created notes deleted, existing ones restored)', () => {
    expect(api.notes.filter((n) => n.title.startsWith('lr') || n.body.includes('lr'))).toEqual([]);
    expect(api.notes.find((n) => n.title === 'Diary')?.body).toBe('Bank PIN reminder: the blue notebook in the garage');
  });
});

describe('natural keys with every flaw fixed', () => {
  let api: NaturalApi;
  let result: Result;
  beforeAll(async () => {
    api = await startNaturalKeysApi([]);
    result = await auditConfig(naturalKeysConfig(api), undefined, { allowWrites: true });
  }, 90_000);
  afterAll(() => api?.close());

  it('reports no access-control failure and passes tenant isolation after testing it', () => {
    const s = score(result.findings, NATURAL_TRUTH.filter((r) => r.kind === 'control'), { allowWrites: true });
    recordScore('natural-keys fixed', s, result.requests);
    expect(s.falseAlarms).toEqual([]);
    expect(result.findings.find((f) => f.check === 'authorization/bola' && f.status === 'pass')).toBeDefined();
  });
});
