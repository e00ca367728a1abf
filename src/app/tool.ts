import { readFileSync } from 'node:fs';

function readVersion(): string {
  // dist/src/app/tool.js and src/app/tool.ts are both three levels below package.json … or two.
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'launchready' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

export const TOOL = { name: 'launchready', version: readVersion() } as const;
