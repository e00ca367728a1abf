/**
 * launchready as a library: the same runs as the CLI, returning the one report model every format
 * renders. `import { runAudit, runScan, runDomain, render } from 'launchready'`.
 * Flag problems throw a UsageError, config problems a ConfigError (both with a message that names
 * the flag or file:line:col); a finished run never throws for what it found.
 */
export { runAudit, prepare, parseAreaList, type AuditOptions, type PreparedRun } from './app/audit.js';
export { UsageError } from './app/errors.js';
export { createRun, type CreateRunOptions, type Run } from './app/run.js';
export { runScan, type ScanOptions } from './cli/commands/scan.js';
export { runDomainAudit as runDomain, type DomainAuditOptions } from './domain/run.js';
export { ConfigError, loadConfigFile, parseConfigText, type ConfigProblem, type LoadedConfig } from './config/load.js';
export { ConfigSchema, type Config } from './config/schema.js';
export { render, FORMATS, type Format, type RenderOptions } from './report/index.js';
export { exitCodeOf, EXIT_CODES, type Report, type Verdict, type ScorecardRow, type AccessMatrixRow, type LatencySummary, type RunStats } from './model/report.js';
export type { Finding, Status, Location, Evidence, RedactedValue } from './model/finding.js';
export { SEVERITIES, FAIL_ON_VALUES, type Severity, type FailOn } from './model/severity.js';
export { AREAS, AREA_TITLES, FIX_ORDER, type Area } from './model/area.js';
export { TOOL } from './app/tool.js';
