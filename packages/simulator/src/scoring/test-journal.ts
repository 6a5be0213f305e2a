/**
 * Journals written by hand for the graders' tests, in minutes: the engine's assessments as the
 * drill notes them, the page, phases, the world's resolved condition and the trainee's
 * declarations, each entry shaped as the drill and the journal hook write it.
 */
import type { JournalEntry } from '../journal/journal';
import { readMessage } from '../drill/comms-message';
import type { CommsTemplate } from '../drill/trainee-session';

export const min = 60_000;

export function journal() {
  const entries: JournalEntry[] = [];
  let seq = 0;
  const push = (at: number, entry: Omit<JournalEntry, 'seq' | 'simMs' | 'wallMs'>) => {
    entries.push({ seq: ++seq, simMs: at * min, wallMs: 0, ...entry });
    return builder;
  };
  const world = (at: number, action: string, detail: Record<string, unknown>) => push(at, { source: 'world', action, outcome: 'info', detail });
  const ui = (at: number, path: string, detail: Record<string, unknown> = {}) => push(at, { source: 'ui', action: `POST ${path}`, outcome: 'accepted', status: 200, detail: { method: 'POST', path, route: path, ...detail } });
  const builder = {
    entries,
    start: (scenario = 'rollback-storm') => push(0, { source: 'sim', action: 'drill.started', outcome: 'info', detail: { scenario } }),
    assessed: (at: number, severity: string, extra: { customerImpact?: boolean; significantLoss?: boolean; reason?: string } = {}) =>
      world(at, 'severity.assessed', { severity, reasons: [extra.reason ?? `assessed ${severity}`], customerImpact: extra.customerImpact ?? severity !== 'P4', significantLoss: extra.significantLoss ?? false, sinceMs: at * min }),
    page: (at: number, expectedSeverity = 'P1', alert = 'SpeculationRollbackStorm') => world(at, 'alert.firing', { alert, expectedSeverity }),
    phase: (at: number, to: string) => world(at, 'phase', { from: 'before', to }),
    resolved: (at: number) => world(at, 'incident.resolved', { condition: 'restored' }),
    severity: (at: number, severity: string, expectedSeverity = severity) => ui(at, '/trainer/severity', { severity, expectedSeverity }),
    post: (at: number, template: CommsTemplate, text: string, channel = template.startsWith('customer-') ? 'customers' : '#incidents') => ui(at, '/trainer/comms', { channel, template, ...readMessage(template, text) }),
    escalate: (at: number, to: string) => ui(at, '/trainer/escalations', { to }),
    disable: (at: number) => push(at, { source: 'admin', action: 'POST /admin/config', outcome: 'accepted', status: 200, detail: { method: 'POST', path: '/admin/config', route: '/admin/config', changes: { 'speculation.enabled': false } } }),
    /** Something that happened at `at`, so the journal reaches that far. */
    tick: (at: number) => world(at, 'drain.completed', {}),
  };
  return builder;
}

/** The initial alert and an update as the runbook's templates write them. */
export const initialAlert = (severity: string) => `🚨 [${severity}] Speculation Incident - storm\n\n**Status:** Investigating\n\nNext update in 15 minutes.`;
export const update = (severity: string, status: string, next = 15) => `🔄 [${severity}] Speculation Incident Update\n\n**Status:** ${status}\n\nNext update in ${next} minutes.`;
export const customerNotice = 'Subject: [Investigating] AgenC Speculation Service Degradation\n\nwill provide updates every 30 minutes.';
