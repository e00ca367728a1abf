import { inflateRawSync } from 'node:zlib';
import { callsFromHar } from './har.js';
import type { RecordedCall } from './recorded.js';

/**
 * A Playwright trace (`trace.zip` from `--trace on` or `context.tracing.stop({ path })`) as recorded
 * calls: its `*.network` files hold one JSON event per line, and every `resource-snapshot` event is
 * a HAR entry, so the HAR adapter reads them. Only stored and deflated zip entries are read.
 */

const MAX_ENTRY = 256 * 1024 * 1024;

/** The files of a zip archive by name (central directory; stored or deflate only). */
export function readZip(buf: Buffer, want: (name: string) => boolean): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65_535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    if (!want(name)) continue;
    if (size > MAX_ENTRY) throw new Error(`zip entry ${name} is larger than ${MAX_ENTRY} bytes`);
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`corrupt zip entry ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + compressed);
    if (method === 0) out.set(name, data);
    else if (method === 8) out.set(name, inflateRawSync(data, { maxOutputLength: MAX_ENTRY }));
    else throw new Error(`zip entry ${name} uses compression method ${method} (only stored and deflate are read)`);
  }
  return out;
}

export function isZip(buf: Buffer): boolean {
  return buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50;
}

/** Recorded calls from a Playwright trace archive, or from one of its `.network` files. */
export function callsFromPlaywrightTrace(buf: Buffer): RecordedCall[] {
  const texts = isZip(buf) ? [...readZip(buf, (n) => n.endsWith('.network')).values()].map((b) => b.toString('utf8')) : [buf.toString('utf8')];
  if (texts.length === 0) throw new Error('the trace has no network recording (*.network): record it with network capture on');
  const entries: unknown[] = [];
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let ev: { type?: unknown; snapshot?: unknown };
      try {
        ev = JSON.parse(line) as typeof ev;
      } catch {
        continue;
      }
      if (ev.type === 'resource-snapshot' && ev.snapshot && typeof ev.snapshot === 'object') entries.push(ev.snapshot);
    }
  }
  if (entries.length === 0) throw new Error('the trace recorded no network requests (Playwright records them only with snapshots on, as `--trace on` does)');
  return callsFromHar({ log: { entries } }).calls;
}
