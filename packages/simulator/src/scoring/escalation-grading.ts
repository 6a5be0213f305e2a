/**
 * Grades escalation by the runbook's escalation matrix and the incident's own section: P1 to
 * engineering leadership at once (within 15 minutes of the incident becoming P1), P2 to the
 * platform lead within the hour, whoever the section names (the stake incident's leadership and
 * finance) at once, and legal once the losses reach the matrix's "significant financial impact".
 * Each target is an equal share, half when late; escalating to leadership, finance or legal when
 * nothing called for them costs a point.
 */
import { matrixEscalations, type EscalationTarget, type ScenarioSpec } from '@gameday/scenarios';
import type { JournalEntry } from '../journal/journal';
import { isDeclaration } from '../journal/scoring-facts';
import { clampPoints, type Grade } from './grade';
import { assessmentTimeline, firstReached, incidentSeverity, lastMs, minutes, samplesBetween, sincePage } from './severity-timeline';

/**
 * Graded out of 5, the scale its rules are written in; the scorer gives the dimension the same
 * share of its weight (scoring-weights.ts), so the weights can change without rewriting the rules.
 */
const gradeScale = 5;

/** The matrix's "immediate". */
export const immediateMs = 15 * 60_000;
/** The matrix's P2: "1h to platform lead". */
export const withinTheHourMs = 60 * 60_000;
const unneededCost = 1;

interface Needed {
  target: EscalationTarget;
  dueMs: number;
  why: string;
}

export function gradeEscalation(entries: readonly JournalEntry[], pageMs: number | null, spec: ScenarioSpec | null): Grade {
  const max = gradeScale;
  if (pageMs === null || spec === null) return { points: max, max, reason: 'no escalation required' };
  const timeline = assessmentTimeline(entries);
  const endMs = lastMs(entries);
  const severity = incidentSeverity(timeline, pageMs, endMs);
  const needed = new Map<EscalationTarget, Needed>();
  const need = (target: EscalationTarget, dueMs: number, why: string) => {
    const known = needed.get(target);
    if (known === undefined || dueMs < known.dueMs) needed.set(target, { target, dueMs, why });
  };
  for (const target of spec.escalateTo) need(target, pageMs + immediateMs, "the incident's runbook section says escalate immediately");
  if (severity !== null) {
    const since = firstReached(timeline, severity, pageMs, endMs) ?? pageMs;
    const within = severity === 'P1' ? immediateMs : withinTheHourMs;
    for (const target of matrixEscalations(severity)) need(target, since + within, `${severity}: the matrix says ${severity === 'P1' ? 'immediately' : 'within the hour'}`);
  }
  const significant = samplesBetween(timeline, pageMs, endMs).find((sample) => sample.significantLoss === true);
  if (significant !== undefined) need('legal', Math.max(pageMs, significant.simMs) + immediateMs, 'a significant amount lost: the runbook adds Legal');

  const escalations = entries.filter((entry) => isDeclaration(entry, '/trainer/escalations'));
  const doneAt = (target: EscalationTarget) => escalations.find((entry) => entry.detail?.to === target)?.simMs ?? null;
  const unneeded = [...new Set(escalations.map((entry) => String(entry.detail?.to)))].filter((target) => ['engineering-leadership', 'finance', 'legal'].includes(target) && !needed.has(target as EscalationTarget));

  if (needed.size === 0) {
    const points = clampPoints(max - (unneeded.length > 0 ? unneededCost : 0), max);
    return { points, max, reason: unneeded.length === 0 ? `no escalation required for a ${severity ?? 'incident'} like this` : `no escalation required; escalated to ${unneeded.join(', ')} anyway, which spends their attention on what the matrix keeps with the team` };
  }
  const share = max / needed.size;
  let points = 0;
  const parts: string[] = [];
  for (const { target, dueMs, why } of needed.values()) {
    const at = doneAt(target);
    const due = `due by ${sincePage(dueMs, pageMs)}`;
    if (at === null) parts.push(`${target}: never escalated (${why}; ${due})`);
    else if (at > dueMs) {
      points += share / 2;
      parts.push(`${target}: ${minutes(at - dueMs)} late at ${sincePage(at, pageMs)} (${why}; ${due})`);
    } else {
      points += share;
      parts.push(`${target}: on time at ${sincePage(at, pageMs)}`);
    }
  }
  if (unneeded.length > 0) {
    points -= unneededCost;
    parts.push(`also escalated to ${unneeded.join(', ')}, which nothing called for`);
  }
  return { points: clampPoints(points, max), max, reason: parts.join('; ') };
}
