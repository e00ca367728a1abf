import type { Check } from '../../engine/check.js';
import { cdnWaf } from './cdn.js';
import { privateCache } from './private-cache.js';
import { securityHeaders } from './security-headers.js';
import { versionBanner } from './version-banner.js';

/** Checks of the `edge` area, in the order they run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const checks: Check<any>[] = [securityHeaders, versionBanner, privateCache, cdnWaf];
