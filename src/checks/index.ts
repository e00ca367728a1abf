import type { Check } from '../engine/check.js';
import { checks as authentication } from './authentication/index.js';
import { checks as authorization } from './authorization/index.js';
import { checks as session } from './session/index.js';
import { checks as secrets } from './secrets/index.js';
import { checks as inputValidation } from './input-validation/index.js';
import { checks as rateLimiting } from './rate-limiting/index.js';
import { checks as corsCsrf } from './cors-csrf/index.js';
import { checks as logging } from './logging/index.js';
import { checks as domainTls } from './domain-tls/index.js';
import { checks as edge } from './edge/index.js';
import { checks as email } from './email/index.js';
import { checks as performance } from './performance/index.js';
import { checks as monitoring } from './monitoring/index.js';
import { checks as deployment } from './deployment/index.js';

/** Every check launchready knows. Each area folder owns its list. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const allChecks: Check<any>[] = [
  ...authentication,
  ...authorization,
  ...session,
  ...secrets,
  ...inputValidation,
  ...rateLimiting,
  ...corsCsrf,
  ...logging,
  ...domainTls,
  ...edge,
  ...email,
  ...performance,
  ...monitoring,
  ...deployment,
];
