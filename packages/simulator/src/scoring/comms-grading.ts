/**
 * Grades the updates a responder posted as the runbook's templates write them: the first
 * soon after the page, each one's `[P{X}]` the severity declared then, its Status word the
 * incident's state then, each "Next update in N minutes" kept, and a customer notice for a
 * customer-impacting P1. Each finding costs points and says what the runbook asks.
 */
import type { Severity } from '@gameday/scenarios';
import type { JournalEntry } from '../journal/journal';
import { isDeclaration, isDrillEvent, isServiceWrite, worldResolvedAt } from '../journal/scoring-facts';
import { clampPoints, type Grade } from './grade';
import { assessmentTimeline, firstReached, incidentSeverity, isSeverity, lastMs, minutes, samplesBetween, sincePage } from './severity-timeline';

/**
 * Graded out of 5, the scale its rules are written in; the scorer gives the dimension the same
 * share of its weight (scoring-weights.ts), so the weights can change without rewriting the rules.
 */
const gradeScale = 5;

const internalChannels: readonly string[] = ['#incidents', '#platform-alerts'];
/** The runbook's first update: the P1 announcement and the P2 initial assessment both come within 15 minutes. */
export const firstUpdateMs = 15 * 60_000;
/** Slack for a promised update: "Next update in 15 minutes" is kept by one within 20. */
export const cadenceGraceMs = 5 * 60_000;
/** What an update that promises nothing is held to (the customer notices' cadence). */
const defaultCadenceMinutes = 30;
/** The runbook's P1 step 9: the first customer communication by 30 minutes in. */
export const customerNoticeMs = 30 * 60_000;

const costs = { lateFirst: 1, missingTag: 0.5, wrongTag: 1, tagsCap: 2, missingStatus: 0.5, wrongStatus: 1, falseResolved: 2, statusCap: 2, noPromise: 0.5, brokenPromise: 1, cadenceCap: 2, noCustomerNotice: 1.5, lateCustomerNotice: 0.5 };

type IncidentState = 'investigating' | 'mitigating' | 'mitigated' | 'resolved';
/** The Status words the template offers that fit each state of the incident. */
const fittingStatus: Record<IncidentState, readonly string[]> = {
  investigating: ['Investigating', 'Identified'],
  mitigating: ['Investigating', 'Identified', 'Mitigating'],
  // Mitigated is not understood: the cause may still be under investigation.
  mitigated: ['Investigating', 'Identified', 'Mitigating', 'Monitoring'],
  resolved: ['Monitoring', 'Resolved'],
};
const stateWords: Record<IncidentState, string> = {
  investigating: 'nothing had been changed yet',
  mitigating: 'a mitigation was being applied but the incident was not yet mitigated',
  mitigated: 'the incident was mitigated but not yet resolved',
  resolved: 'the service was restored',
};

/** Where the incident stood at `simMs`, from the journal's facts. */
function stateAt(entries: readonly JournalEntry[], simMs: number, pageMs: number): IncidentState {
  if (worldResolvedAt(entries, simMs)) return 'resolved';
  let phase = '';
  let changed = false;
  for (const entry of entries) {
    if (entry.simMs > simMs) break;
    if (isDrillEvent(entry, 'phase')) phase = String(entry.detail?.to);
    else if (entry.simMs >= pageMs && isServiceWrite(entry)) changed = true;
  }
  return phase === 'mitigated' || phase === 'recovered' ? 'mitigated' : changed ? 'mitigating' : 'investigating';
}

function declaredAt(declarations: readonly JournalEntry[], simMs: number): Severity | null {
  let declared: Severity | null = null;
  for (const entry of declarations) if (entry.simMs <= simMs) declared = entry.detail!.severity as Severity;
  return declared;
}

const isCustomerNotice = (entry: JournalEntry) => entry.detail?.channel === 'customers' || (entry.detail?.channel === 'email' && String(entry.detail?.template).startsWith('customer-'));

export function gradeComms(entries: readonly JournalEntry[], pageMs: number | null): Grade {
  const max = gradeScale;
  if (pageMs === null) return { points: max, max, reason: 'no incident to communicate' };
  const posts = entries.filter((entry) => isDeclaration(entry, '/trainer/comms'));
  const updates = posts.filter((entry) => internalChannels.includes(String(entry.detail?.channel)));
  const timeline = assessmentTimeline(entries);
  const endMs = lastMs(entries);
  const severity = incidentSeverity(timeline, pageMs, endMs) ?? 'P2';
  if (severity === 'P3' || severity === 'P4') return { points: updates.length > 0 ? max : 0, max, reason: updates.length > 0 ? `an update was posted (${severity}: one is enough)` : `no update was posted (${severity}: one to #platform-alerts is enough)` };
  if (updates.length === 0) return { points: 0, max, reason: `no update posted to #incidents or #platform-alerts; a ${severity} gets its first within ${minutes(firstUpdateMs)} of the page` };

  const findings: string[] = [];
  let lost = 0;
  const first = updates[0]!;
  if (first.simMs - pageMs > firstUpdateMs) {
    lost += costs.lateFirst;
    findings.push(`the first update came at ${sincePage(first.simMs, pageMs)}; the runbook's initial alert goes out within ${minutes(firstUpdateMs)}`);
  }

  const declarations = entries.filter((entry) => isDeclaration(entry, '/trainer/severity') && isSeverity(entry.detail?.severity));
  let tagsLost = 0;
  let statusLost = 0;
  let cadenceLost = 0;
  updates.forEach((update, index) => {
    const at = sincePage(update.simMs, pageMs);
    const tag = update.detail?.severityTag;
    const declared = declaredAt(declarations, update.simMs);
    const recorded = 'severityTag' in (update.detail ?? {});
    if (recorded && tag === null) {
      tagsLost += costs.missingTag;
      findings.push(`the update at ${at} carries no [P{X}]: say the severity in every update`);
    } else if (recorded && declared !== null && tag !== declared) {
      tagsLost += costs.wrongTag;
      findings.push(`the update at ${at} says [${String(tag)}] while the declared severity was ${declared}`);
    }

    const status = update.detail?.status;
    const state = stateAt(entries, update.simMs, pageMs);
    if ('status' in (update.detail ?? {})) {
      if (status === 'Resolved' && state !== 'resolved') {
        statusLost += costs.falseResolved;
        findings.push(`the update at ${at} says Resolved while ${stateWords[state]}: telling everyone it is over when it is not is the costliest message`);
      } else if (status === null && update.detail?.template !== 'resolution') {
        statusLost += costs.missingStatus;
        findings.push(`the update at ${at} has no Status line (Investigating, Mitigating, Monitoring or Resolved)`);
      } else if (typeof status === 'string' && !fittingStatus[state].includes(status)) {
        statusLost += costs.wrongStatus;
        findings.push(`the update at ${at} says ${status} while ${stateWords[state]} (${fittingStatus[state].join(' or ')})`);
      }
    }

    // A resolution closes the thread; anything else promises the next update.
    if (status === 'Resolved' || update.detail?.template === 'resolution' || !('nextUpdateMinutes' in (update.detail ?? {}))) return;
    const promised = typeof update.detail?.nextUpdateMinutes === 'number' ? update.detail.nextUpdateMinutes : null;
    if (promised === null) {
      cadenceLost += costs.noPromise;
      findings.push(`the update at ${at} promises no next update ("Next update in N minutes")`);
    }
    const dueMs = update.simMs + (promised ?? defaultCadenceMinutes) * 60_000 + cadenceGraceMs;
    const next = updates[index + 1];
    if ((next === undefined && endMs > dueMs) || (next !== undefined && next.simMs > dueMs)) {
      cadenceLost += costs.brokenPromise;
      findings.push(`after the update at ${at} ${promised === null ? `(held to ${defaultCadenceMinutes} min)` : `promising the next in ${promised} min`}, ${next === undefined ? 'none came' : `the next came ${minutes(next.simMs - update.simMs)} later`}`);
    }
  });
  lost += Math.min(costs.tagsCap, tagsLost) + Math.min(costs.statusCap, statusLost) + Math.min(costs.cadenceCap, cadenceLost);

  // A journal stored before customer impact was noted: every P1 counts as reaching customers.
  const customerImpact = severity === 'P1' && (timeline.every((sample) => sample.customerImpact === null) || samplesBetween(timeline, pageMs, endMs).some((sample) => sample.customerImpact === true));
  let noticeSent = false;
  if (customerImpact) {
    const since = firstReached(timeline, 'P1', pageMs, endMs) ?? pageMs;
    const dueMs = since + customerNoticeMs;
    const notice = posts.find((entry) => isCustomerNotice(entry) && entry.simMs >= pageMs);
    noticeSent = notice !== undefined;
    if (notice === undefined && endMs > dueMs) {
      lost += costs.noCustomerNotice;
      findings.push(`a customer-impacting P1 gets a customer notice (the runbook's Initial Notice) within ${minutes(customerNoticeMs)}; none was sent`);
    } else if (notice !== undefined && notice.simMs > dueMs) {
      lost += costs.lateCustomerNotice;
      findings.push(`the customer notice went out at ${sincePage(notice.simMs, pageMs)}, more than ${minutes(customerNoticeMs)} after the incident became P1`);
    }
  }

  const points = clampPoints(max - lost, max);
  const summary = `${updates.length} update${updates.length > 1 ? 's' : ''} for a ${severity}, the first at ${sincePage(first.simMs, pageMs)}`;
  return { points, max, reason: findings.length === 0 ? `${summary}; each with the declared severity, a Status that fit the incident, every promised update on time${noticeSent ? ', and a customer notice' : ''}` : `${summary}; ${findings.join('; ')}` };
}

