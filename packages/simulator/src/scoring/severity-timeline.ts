/**
 * The severity the runbook's engine assessed over the drill, read back from the journal: the
 * `severity.assessed` facts the drill notes when the picture changes, or, in a journal stored
 * before those were kept, the `expectedSeverity` noted with each alert and declaration. The
 * severity, comms and escalation graders judge against it, so a call is measured against the
 * picture around it, not the calmer one after mitigation.
 */
import { severities, type Severity } from '@gameday/scenarios';
import type { JournalEntry } from '../journal/journal';
import { isDeclaration, isDrillEvent } from '../journal/scoring-facts';

/** How far past a declaration (or the page) its picture reaches: a call is judged against the worst the engine saw until then. */
export const declarationWindowMs = 5 * 60_000;
/** How long a worse picture must hold, later in the drill, to count as the incident growing rather than a blip. */
export const sustainedMs = 5 * 60_000;

export interface AssessmentSample {
  simMs: number;
  severity: Severity;
  reasons: readonly string[];
  /** Null in a journal stored before the drill noted it. */
  customerImpact: boolean | null;
  significantLoss: boolean | null;
}

export const rank = (severity: Severity) => severities.indexOf(severity);
export const isSeverity = (value: unknown): value is Severity => typeof value === 'string' && (severities as readonly string[]).includes(value);
/** The more severe of two (null is no picture). */
export const worseOf = (a: Severity | null, b: Severity | null): Severity | null => (a === null ? b : b === null ? a : rank(a) <= rank(b) ? a : b);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
const flag = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);

/** The engine's assessments in journal order. */
export function assessmentTimeline(entries: readonly JournalEntry[]): AssessmentSample[] {
  const assessed = entries.filter((entry) => isDrillEvent(entry, 'severity.assessed') && isSeverity(entry.detail?.severity));
  if (assessed.length > 0) {
    return assessed.map((entry) => ({ simMs: entry.simMs, severity: entry.detail!.severity as Severity, reasons: strings(entry.detail?.reasons), customerImpact: flag(entry.detail?.customerImpact), significantLoss: flag(entry.detail?.significantLoss) }));
  }
  return entries
    .filter((entry) => (isDrillEvent(entry, 'alert.firing') || isDeclaration(entry, '/trainer/severity')) && isSeverity(entry.detail?.expectedSeverity))
    .map((entry) => ({ simMs: entry.simMs, severity: entry.detail!.expectedSeverity as Severity, reasons: [], customerImpact: null, significantLoss: null }));
}

/** The assessment standing at `simMs` (the last one noted by then), if any. */
export function assessedAt(timeline: readonly AssessmentSample[], simMs: number): AssessmentSample | null {
  let found: AssessmentSample | null = null;
  for (const sample of timeline) {
    if (sample.simMs > simMs) break;
    found = sample;
  }
  return found;
}

/** The assessments that stood at some moment of [from, to]: the one standing at `from`, then each noted up to `to`. */
export function samplesBetween(timeline: readonly AssessmentSample[], from: number, to: number): AssessmentSample[] {
  const standing = assessedAt(timeline, from);
  return [...(standing ? [standing] : []), ...timeline.filter((sample) => sample.simMs > from && sample.simMs <= to)];
}

/** The worst assessment of [from, to] (the first noted at that level), if any. */
export function worstBetween(timeline: readonly AssessmentSample[], from: number, to: number): AssessmentSample | null {
  return samplesBetween(timeline, from, to).reduce<AssessmentSample | null>((worst, sample) => (worst === null || rank(sample.severity) < rank(worst.severity) ? sample : worst), null);
}

/** When, from `from` on, the assessment was first at least as severe as `level` (null: never by `to`). */
export function firstReached(timeline: readonly AssessmentSample[], level: Severity, from: number, to: number): number | null {
  const sample = samplesBetween(timeline, from, to).find((candidate) => rank(candidate.severity) <= rank(level));
  return sample === undefined ? null : Math.max(from, sample.simMs);
}

/**
 * The worst level the assessment held without a break for `holdMs` inside [from, to], with the
 * moment that stretch began and the sample that began it.
 */
export function sustainedWorst(timeline: readonly AssessmentSample[], from: number, to: number, holdMs = sustainedMs): { severity: Severity; sinceMs: number; sample: AssessmentSample } | null {
  const samples = samplesBetween(timeline, from, to);
  for (const level of severities) {
    let runStart: number | null = null;
    let runSample: AssessmentSample | null = null;
    for (let index = 0; index < samples.length; index++) {
      const sample = samples[index]!;
      const start = Math.max(from, sample.simMs);
      const end = index + 1 < samples.length ? samples[index + 1]!.simMs : to;
      if (rank(sample.severity) <= rank(level)) {
        if (runStart === null) {
          runStart = start;
          runSample = sample;
        }
        if (end - runStart >= holdMs) return { severity: level, sinceMs: runStart, sample: runSample! };
      } else {
        runStart = null;
        runSample = null;
      }
    }
  }
  return null;
}

/**
 * The incident's severity as the runbook would have it called: the worst the engine saw from
 * the page to a short window after it, or worse if the incident later held a worse level for a
 * sustained stretch. Null without a page or any assessment.
 */
export function incidentSeverity(timeline: readonly AssessmentSample[], pageMs: number | null, endMs: number): Severity | null {
  if (pageMs === null) return null;
  const early = worstBetween(timeline, pageMs, pageMs + declarationWindowMs)?.severity ?? null;
  return worseOf(early, sustainedWorst(timeline, pageMs, endMs)?.severity ?? null);
}

/** The simulated time of the journal's last entry: where a drill's record ends. */
export function lastMs(entries: readonly JournalEntry[]): number {
  return entries.reduce((last, entry) => Math.max(last, entry.simMs), 0);
}

/** `T+12.5 min`: a moment relative to the page, as the debrief says it. */
export function sincePage(simMs: number, pageMs: number | null): string {
  const ms = simMs - (pageMs ?? 0);
  return `${pageMs === null ? 'T' : 'page'}${ms < 0 ? '-' : '+'}${Math.round(Math.abs(ms) / 6000) / 10} min`;
}

export const minutes = (ms: number) => `${Math.round(ms / 6000) / 10} min`;
