/**
 * Aho-Corasick over the rules' lower-case keywords: one pass over a file says which keywords occur,
 * so a rule's regex runs only on text where it can match. ASCII only (keywords are ASCII); other
 * characters reset the automaton. Upper-case input is folded while stepping, so no lower-cased copy
 * of the file is made.
 */
export class KeywordPrefilter {
  private readonly goto: Int32Array;
  /** For each state, the keyword ids that end there (including via failure links), or undefined. */
  private readonly outputs: Array<number[] | undefined>;
  readonly keywords: readonly string[];
  private readonly lengths: Int32Array;

  constructor(keywords: readonly string[]) {
    this.keywords = keywords;
    this.lengths = Int32Array.from(keywords.map((k) => k.length));
    const trie: Array<Map<number, number>> = [new Map()];
    const out: number[][] = [[]];
    keywords.forEach((kw, id) => {
      let s = 0;
      for (let i = 0; i < kw.length; i++) {
        const c = kw.charCodeAt(i) & 0x7f;
        let next = trie[s]!.get(c);
        if (next === undefined) {
          next = trie.length;
          trie.push(new Map());
          out.push([]);
          trie[s]!.set(c, next);
        }
        s = next;
      }
      out[s]!.push(id);
    });
    const states = trie.length;
    const table = new Int32Array(states * 128);
    const fail = new Int32Array(states);
    const queue: number[] = [];
    for (let c = 0; c < 128; c++) {
      const next = trie[0]!.get(c);
      if (next !== undefined) {
        table[c] = next;
        fail[next] = 0;
        queue.push(next);
      } else table[c] = 0;
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      out[s]!.push(...out[fail[s]!]!);
      for (let c = 0; c < 128; c++) {
        const next = trie[s]!.get(c);
        if (next !== undefined) {
          fail[next] = table[fail[s]! * 128 + c]!;
          table[s * 128 + c] = next;
          queue.push(next);
        } else {
          table[s * 128 + c] = table[fail[s]! * 128 + c]!;
        }
      }
    }
    // Fold upper-case letters onto lower-case transitions.
    for (let s = 0; s < states; s++) for (let c = 65; c <= 90; c++) table[s * 128 + c] = table[s * 128 + c + 32]!;
    this.goto = table;
    this.outputs = out.map((o) => (o.length ? [...new Set(o)] : undefined));
  }

  /**
   * Where each keyword occurs: keyword id → start offsets (at most `cap` per keyword; a keyword
   * seen more often is marked with `Infinity` as its last entry, meaning "everywhere").
   */
  positions(text: string, cap = 2000): Map<number, number[]> {
    const found = new Map<number, number[]>();
    const table = this.goto;
    const outputs = this.outputs;
    const lengths = this.lengths;
    let s = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      s = c < 128 ? table[(s << 7) | c]! : 0;
      if (s !== 0) {
        const o = outputs[s];
        if (o !== undefined) {
          for (let k = 0; k < o.length; k++) {
            const id = o[k]!;
            let list = found.get(id);
            if (list === undefined) {
              list = [];
              found.set(id, list);
            }
            if (list.length < cap) list.push(i - lengths[id]! + 1);
            else if (list[list.length - 1] !== Infinity) list.push(Infinity);
          }
        }
      }
    }
    return found;
  }

  /** Ids of the keywords that occur in `text` (each at most once). */
  scan(text: string): Set<number> {
    const found = new Set<number>();
    const table = this.goto;
    const outputs = this.outputs;
    let s = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      s = c < 128 ? table[(s << 7) | c]! : 0;
      if (s !== 0) {
        const o = outputs[s];
        if (o !== undefined) for (let k = 0; k < o.length; k++) found.add(o[k]!);
      }
    }
    return found;
  }
}
