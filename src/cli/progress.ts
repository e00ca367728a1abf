import type { ProgressSink } from '../engine/context.js';

/** One live status line on a terminal; nothing at all when stderr is not a TTY. */
export function terminalProgress(stream: NodeJS.WriteStream, maxRequests: number): (ProgressSink & { done(): void }) | undefined {
  if (!stream.isTTY) return undefined;
  let last = 0;
  let lastLine = '';
  const started = Date.now();
  return {
    update(e) {
      const now = Date.now();
      if (now - last < 80) return;
      last = now;
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      const line = `  ${((now - started) / 1000).toFixed(1)}s · ${e.requests}/${maxRequests} requests · ${e.area ? `${e.area}: ` : ''}${e.activity}`.slice(0, width);
      lastLine = line;
      stream.write(`\r\u001b[2K${line}`);
    },
    done() {
      if (lastLine) stream.write('\r\u001b[2K');
    },
  };
}
