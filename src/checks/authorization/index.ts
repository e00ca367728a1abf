import type { Check } from '../../engine/check.js';
import { functionLevelAuthorization, massAssignment, tenantIsolation } from './checks.js';

/** Checks of the `authorization` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [tenantIsolation, functionLevelAuthorization, massAssignment];
