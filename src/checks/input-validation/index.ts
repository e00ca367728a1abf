import type { Check } from '../../engine/check.js';
import { denialOfService } from './denial-of-service.js';
import { errorLeakage } from './error-leakage.js';
import { excludePatterns } from './exclude-patterns.js';
import { invalidPayloads } from './invalid-payloads.js';
import { pathQueryInjection } from './path-query-injection.js';

/** Checks of the `input-validation` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [errorLeakage, invalidPayloads, excludePatterns, denialOfService, pathQueryInjection];
import { reflectedXss } from './reflected-xss.js';
checks.push(reflectedXss);
import { openRedirect } from './open-redirect.js';
checks.push(openRedirect);
import { domXss } from './dom-xss.js';
checks.push(domXss);
import { storedXss } from './stored-xss.js';
checks.push(storedXss);
