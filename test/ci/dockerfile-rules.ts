/**
 * The Dockerfile rules that matter for this image, checked on the parsed file (hadolint is not in
 * Debian; these are its rules DL3007/DL3006 pinned base, DL3002 non-root user, DL4006/SC curl|sh,
 * DL3009 apt lists removed, DL3015 no recommends, DL3025 exec-form ENTRYPOINT, DL3020 COPY not ADD).
 */
export interface Instruction {
  line: number;
  keyword: string;
  args: string;
}

/** Instructions with continuation lines joined and comments dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let l = lines[i]!;
    if (/^\s*(#|$)/.test(l)) continue;
    while (/\\\s*$/.test(l) && i + 1 < lines.length) {
      i += 1;
      const next = lines[i]!;
      if (/^\s*#/.test(next)) continue;
      l = l.replace(/\\\s*$/, ' ') + next;
    }
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(l);
    if (m) out.push({ line: start, keyword: m[1]!.toUpperCase(), args: m[2]!.trim() });
  }
  return out;
}

export function dockerfileProblems(text: string): string[] {
  const ins = parseDockerfile(text);
  const problems: string[] = [];
  const stages: Instruction[][] = [];
  for (const i of ins) {
    if (i.keyword === 'FROM') stages.push([]);
    stages[stages.length - 1]?.push(i);
  }
  const stageNames = new Set(ins.filter((i) => i.keyword === 'FROM').map((i) => /\bAS\s+(\S+)/i.exec(i.args)?.[1]?.toLowerCase()).filter(Boolean));
  for (const from of ins.filter((i) => i.keyword === 'FROM')) {
    const image = from.args.split(/\s+/)[0]!;
    if (stageNames.has(image.toLowerCase())) continue;
    const pinned = /@sha256:[0-9a-f]{64}$/.test(image) || /:[^:@]*\d+\.\d+\.\d+[^:@]*$/.test(image);
    if (!pinned) problems.push(`line ${from.line}: base image ${image} is not pinned to an exact version (or digest)`);
  }
  const final = stages[stages.length - 1] ?? [];
  const users = final.filter((i) => i.keyword === 'USER');
  const lastUser = users[users.length - 1];
  if (!lastUser || /^(root|0)(:|$)/.test(lastUser.args)) problems.push('the final stage does not switch to a non-root USER');
  const entry = final.filter((i) => i.keyword === 'ENTRYPOINT').pop();
  if (!entry) problems.push('no ENTRYPOINT in the final stage');
  else {
    if (!entry.args.startsWith('[')) problems.push(`line ${entry.line}: ENTRYPOINT is not in exec form (JSON array)`);
    if (lastUser && entry.line < lastUser.line) problems.push('ENTRYPOINT comes before the USER switch');
  }
  for (const i of ins) {
    if (i.keyword === 'RUN') {
      if (/\b(curl|wget)\b[^|;&]*\|\s*(ba|z|da)?sh\b/.test(i.args)) problems.push(`line ${i.line}: pipes a download into a shell`);
      if (/apt-get\s+(-\S+\s+)*install/.test(i.args)) {
        if (!/apt-get\s+(-\S+\s+)*update/.test(i.args)) problems.push(`line ${i.line}: apt-get install without apt-get update in the same RUN`);
        if (!/--no-install-recommends/.test(i.args)) problems.push(`line ${i.line}: apt-get install without --no-install-recommends`);
        if (!/rm\s+-rf\s+\/var\/lib\/apt\/lists/.test(i.args)) problems.push(`line ${i.line}: apt lists are not removed (rm -rf /var/lib/apt/lists/*)`);
      }
    }
    if (i.keyword === 'ADD' && /https?:\/\//.test(i.args)) problems.push(`line ${i.line}: ADD of a URL (download with a checksum instead)`);
    if (i.keyword === 'ADD' && !/\.(tar|tgz|tar\.gz|tar\.xz)\b/.test(i.args)) problems.push(`line ${i.line}: ADD where COPY would do`);
  }
  return problems;
}
