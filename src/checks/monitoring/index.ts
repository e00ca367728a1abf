import type { Check } from '../../engine/check.js';
import { healthEndpoint } from './health-endpoint.js';
import { monitorsConfigured } from './monitors-configured.js';

/** Checks of the `monitoring` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [healthEndpoint, monitorsConfigured];
