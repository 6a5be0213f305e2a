/**
 * Grades the severity a responder declared against the runbook's engine over the window around
 * the declaration: the worst it assessed from the page to five minutes after the call, not the
 * calmer picture once mitigation has worked. A wrong first call put right quickly keeps most of
 * the points; an incident that later grows and holds a worse level asks for the call to be raised.
 * And when: the runbook assesses the severity at the start, so a first call long after the page
 * keeps only part of what its content earned.
 */
import type { Severity } from '@gameday/scenarios';
import type { JournalEntry } from '../journal/journal';
import { isDeclaration } from '../journal/scoring-facts';
import { clampPoints, type Grade } from './grade';
import { assessmentTimeline, declarationWindowMs, firstReached, isSeverity, lastMs, minutes, rank, sincePage, sustainedWorst, worstBetween, type AssessmentSample } from './severity-timeline';

/**
 * Graded out of 15, the scale its rules are written in; the scorer gives the dimension the same
 * share of its weight (scoring-weights.ts), so the weights can change without rewriting the rules.
 */
const gradeScale = 15;

/** Points for the last call, by how many levels it is off. */
const offByPoints = [15, 8, 0, 0];
/** A wrong first call corrected, by how long it stood after the matrix showed the right level. */
const correctionPoints = [
  { withinMs: 5 * 60_000, points: 14 },
  { withinMs: 15 * 60_000, points: 12 },
  { withinMs: Number.POSITIVE_INFINITY, points: 10 },
];
/** Lost when the incident later holds a worse level than the standing call. */
const notRaisedCost = 5;
/**
 * The runbook assesses the severity at the start (it decides the bridge, comms and escalation):
 * the first call earns the content's full points within this long of the page, falling after.
 */
export const severityCallTargetMs = 15 * 60_000;
/** From this long after the page a first call keeps only `lateCallShare` of its points. */
export const severityCallFloorMs = 45 * 60_000;
export const lateCallShare = 0.5;

/** The share of its points a call keeps by how long after the page the first one came. */
export function callTiming(elapsedMs: number): number {
  if (elapsedMs <= severityCallTargetMs) return 1;
  if (elapsedMs >= severityCallFloorMs) return lateCallShare;
  return 1 - ((1 - lateCallShare) * (elapsedMs - severityCallTargetMs)) / (severityCallFloorMs - severityCallTargetMs);
}

interface Judged {
  simMs: number;
  declared: Severity;
  /** What the call should have been: the worst assessment from the page to the window's end. */
  target: Severity;
  worst: AssessmentSample | null;
}

const because = (sample: AssessmentSample | null, pageMs: number | null) => (sample === null ? '' : ` (${sample.reasons[0] ?? `assessed ${sample.severity}`}, ${sincePage(sample.simMs, pageMs)})`);

export function gradeSeverity(entries: readonly JournalEntry[], pageMs: number | null): Grade {
  const max = gradeScale;
  const declarations = entries.filter((entry) => isDeclaration(entry, '/trainer/severity') && isSeverity(entry.detail?.severity));
  if (declarations.length === 0) return { points: 0, max, reason: 'no severity was declared' };
  const timeline = assessmentTimeline(entries);
  const endMs = lastMs(entries);
  const judged: Judged[] = declarations.map((entry) => {
    const declared = entry.detail!.severity as Severity;
    const worst = worstBetween(timeline, Math.min(pageMs ?? entry.simMs, entry.simMs), entry.simMs + declarationWindowMs);
    return { simMs: entry.simMs, declared, target: worst?.severity ?? declared, worst };
  });
  const last = judged[judged.length - 1]!;
  const off = rank(last.declared) - rank(last.target);
  const parts = [`declared ${last.declared} at ${sincePage(last.simMs, pageMs)}; the runbook's matrix gave ${last.target} from the page to ${minutes(declarationWindowMs)} after the call${because(last.worst, pageMs)}`];
  let points = offByPoints[Math.min(3, Math.abs(off))]!;
  if (off > 0) parts.push(`under-called by ${off} level${off > 1 ? 's' : ''}: a severity is the worst the incident has shown, not the calmer moment after mitigation, and it decides the bridge, comms and escalation`);
  else if (off < 0) parts.push(`over-called by ${-off} level${off < -1 ? 's' : ''}: it pulls people and leadership in for more than the matrix asks`);

  if (off === 0) {
    // The run of right calls the drill ended on, and whether a wrong one came before it.
    let firstRight = judged.length - 1;
    while (firstRight > 0 && judged[firstRight - 1]!.declared === judged[firstRight - 1]!.target) firstRight--;
    if (firstRight > 0) {
      const first = judged[0]!;
      const corrected = judged[firstRight]!;
      const reached = firstReached(timeline, corrected.target, Math.min(pageMs ?? first.simMs, first.simMs), endMs) ?? first.simMs;
      const lag = Math.max(0, corrected.simMs - Math.max(first.simMs, reached));
      points = correctionPoints.find((step) => lag <= step.withinMs)!.points;
      parts.push(`first declared ${first.declared}; put right ${minutes(lag)} after the matrix showed ${corrected.target} (a wrong first call corrected within 5 min keeps 14 of 15)`);
    }
  }

  // The incident grew and held a worse level while a call stood: raised late, or never.
  judged.forEach((call, index) => {
    const next = judged[index + 1];
    if (index < judged.length - 1 ? rank(next!.declared) >= rank(call.declared) : off > 0) return;
    const grew = sustainedWorst(timeline, call.simMs + declarationWindowMs, next?.simMs ?? endMs);
    if (grew === null || rank(grew.severity) >= rank(call.declared)) return;
    const what = `the incident grew to ${grew.severity} at ${sincePage(grew.sinceMs, pageMs)}${grew.sample.reasons[0] ? ` (${grew.sample.reasons[0]})` : ''} and held it`;
    if (next === undefined) {
      points -= notRaisedCost;
      parts.push(`${what}, but the severity stayed ${call.declared}: raise it when the impact grows`);
    } else {
      const lag = next.simMs - grew.sinceMs;
      points = Math.min(points, correctionPoints.find((step) => lag <= step.withinMs)!.points);
      parts.push(`${what}; the call was raised from ${call.declared} ${minutes(lag)} later`);
    }
  });
  if (declarations.length > 1) parts.push(`${declarations.length} declarations`);
  // Timing: the first call, against the page.
  const firstAfter = pageMs === null ? 0 : judged[0]!.simMs - pageMs;
  const timing = callTiming(firstAfter);
  if (timing < 1) parts.push(`the first call came ${minutes(firstAfter)} after the page; the runbook assesses the severity at the start (full within ${minutes(severityCallTargetMs)}, half from ${minutes(severityCallFloorMs)}): × ${Math.round(timing * 100) / 100}`);
  return { points: Math.round(clampPoints(points, max) * timing * 10) / 10, max, reason: parts.join('; ') };
}
