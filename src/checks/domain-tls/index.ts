import type { Check } from '../../engine/check.js';
import { hsts } from './hsts.js';

/** Checks of the `domain-tls` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [hsts];
