/** One full-history scan of REPO with the default engine (used by history-cpu.ts). */
import { SecretEngine } from '../../src/secrets/engine.js';
import { scanHistory } from '../../src/secrets/sources/history.js';

const repo = process.argv[2]!;
const r = await scanHistory(repo, new SecretEngine(), { maxBlobBytes: 10 * 1024 * 1024 });
console.log(`${r.commits} commits, ${r.blobs} blobs (${(r.bytes / 1048576).toFixed(1)} MB, ${(r.scannedBytes / 1048576).toFixed(1)} MB scanned around changes), ${r.hits.length} hits`);
