/**
 * Order of the probes that can lock accounts, trip per-IP limits or hurt the target (their checks
 * have `phase: 'last'`; the runner runs them one at a time, lowest `harm` first, each deadline
 * starting when its check starts). Enumeration first (its comparisons are worthless once a limit is
 * tripped), then the bounded rate-limit bursts, then the path and query injection probes (reads),
 * and the body fuzzer last: it is the one that can hang or crash a fragile server, and when it does
 * the results of everything before it are already in.
 */
export const HARM = { enumeration: 10, bursts: 20, injection: 30, fuzz: 40 } as const;
