import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createResolver } from '../../src/net/dns/index.js';

describe('a DNS server that never answers', () => {
  it('is treated as unreachable after a few timeouts, so a wrong --dns fails fast instead of waiting on every query', async () => {
    const sink = createSocket('udp4');
    let received = 0;
    sink.on('message', () => received++);
    sink.bind(0, '127.0.0.1');
    await once(sink, 'listening');
    const { port } = sink.address();
    try {
      const resolver = createResolver({ servers: [{ host: '127.0.0.1', port }], timeoutMs: 200, retries: 2, maxConcurrent: 1 });
      const t0 = Date.now();
      const answers = [];
      for (let i = 0; i < 20; i++) answers.push(await resolver.query(`n${i}.example.test`, 'A'));
      const elapsed = Date.now() - t0;
      expect(answers.every((a) => a.rcode === 'TIMEOUT')).toBe(true);
      expect(answers.at(-1)!.error?.message).toMatch(/treated as unreachable/);
      // 3 real timeouts of 200 ms, then no more waiting: far below 20 × 3 × 200 ms.
      expect(received).toBe(3);
      expect(elapsed).toBeLessThan(2000);
    } finally {
      sink.close();
    }
  });
});
