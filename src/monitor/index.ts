/** The monitor's public surface (the CLI entry point is runMonitor in src/cli/commands/monitor.ts). */
export { MonitorSchema, ProbeSchema, NotifierSchema, AlertPolicySchema, MaintenanceSchema, type MonitorConfig, type MonitorConfigInput, type ProbeConfig, type NotifierConfig } from './schema.js';
export { resolveMonitorPlan, parseMonitorSection, inMaintenance, MIN_INTERVAL_MS, type MonitorPlan, type ProbePlan, type AlertPolicy, type NotifierPlan, type ResolveOptions } from './config.js';
export { parseCondition, evaluateCondition, evaluateAll, ConditionSyntaxError, type Condition, type Observation, type ConditionResult } from './conditions.js';
export { Monitor, type MonitorOptions, type ProbeStatus } from './monitor.js';
export { startStatusServer, statusDocument, type StatusServer } from './server.js';
export type { StatusDocument } from './status-page.js';
export { signBody, verifySignature, SIGNATURE_HEADER, type AlertPayload } from './notifiers/index.js';
export { stepRule, initialRuleState, type RuleId, type RuleState, type RuleEvent } from './rules.js';
export { runProbe, type ProbeResult } from './probes/index.js';
