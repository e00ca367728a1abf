/**
 * A weighted mix of actions picked by smooth weighted round-robin (nginx's algorithm): the shares
 * are exact over every window of sum(weights) picks and the sequence is the same in every run, so
 * two runs of one config send the same requests and a light route is never starved by chance.
 */
export class WeightedMix<T> {
  private readonly current: number[];
  private readonly total: number;

  constructor(
    private readonly items: readonly T[],
    private readonly weights: readonly number[],
  ) {
    if (items.length === 0) throw new Error('a load mix needs at least one action');
    if (weights.length !== items.length || weights.some((w) => !(w > 0) || !Number.isFinite(w))) throw new Error('every action weight must be a number above 0');
    this.current = weights.map(() => 0);
    this.total = weights.reduce((a, b) => a + b, 0);
  }

  next(): T {
    let best = 0;
    for (let i = 0; i < this.items.length; i++) {
      this.current[i]! += this.weights[i]!;
      if (this.current[i]! > this.current[best]!) best = i;
    }
    this.current[best]! -= this.total;
    return this.items[best]!;
  }
}
