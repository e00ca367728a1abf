// Fixed test servers for the load benchmark, each run in its own process so the generator under
// test never shares an event loop with the server. Usage: node servers.mjs fast|delay|stall
// Prints {"port": N} on stdout (one JSON line) once listening on 127.0.0.1.
import { createServer } from 'node:http';

const kind = process.argv[2] ?? 'fast';
const body = Buffer.from('hello world\n');
let n = 0;
// A fixed, repeatable service-time distribution for the delay server: 10–40 ms in a cycle.
const delays = Array.from({ length: 97 }, (_, i) => 10 + ((i * 37) % 31));

const server = createServer((req, res) => {
  if (kind === 'delay') {
    const d = delays[n++ % delays.length];
    setTimeout(() => res.end(body), d);
    return;
  }
  res.end(body);
});
if (kind === 'stall') {
  // Stop the world for 1 s every 3 s (a GC pause, a blocking call): the process answers nothing,
  // requests wait in the kernel's queue, then everything queued is answered at once.
  const pauseMs = Number(process.argv[3] ?? 1000);
  const everyMs = Number(process.argv[4] ?? 3000);
  setInterval(() => {
    const until = Date.now() + pauseMs;
    while (Date.now() < until) {
      /* busy: the event loop is blocked */
    }
  }, everyMs);
}
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
