/** Durations in `monitor:` follow the config's one rule (src/config/duration.ts): units, or a bare number of milliseconds. */
export { DURATION_RE, formatDuration, parseDuration } from '../config/duration.js';
