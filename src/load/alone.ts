/**
 * The load phase and the browser measurements each need the machine to themselves: Chromium with a
 * 4× CPU slowdown next to a load run inflates both the latencies and the paint times. Within one run
 * (keyed by an object that lives as long as the run, e.g. its HttpClient) they take turns.
 */
const turns = new WeakMap<object, Promise<unknown>>();

export function measureAlone<T>(run: object, measure: () => Promise<T>): Promise<T> {
  const previous = turns.get(run) ?? Promise.resolve();
  const mine = previous.then(measure, measure);
  turns.set(
    run,
    mine.catch(() => undefined),
  );
  return mine;
}
