/**
 * A finished drill as the counterfactual runs need it, read from its journal's facts alone: the
 * world it ran (scenario, seed, difficulty, onset, epoch, injected faults) and every change the
 * responder made to the service, as intents at the moments they began. Reads change nothing and
 * are left out; a refused request changed nothing and is not a fact.
 */
import { difficulties, type Difficulty } from '@gameday/scenarios';
import type { JournalEntry } from '../journal/journal';
import { isDrillEvent, isServiceWrite } from '../journal/scoring-facts';
import { routeOf } from '@gameday/scenarios';
import type { ResponderIntent } from '../drill/responder-intents';
import type { RunKey, TimedIntent } from './counterfactual-runs';

const isDifficulty = (value: unknown): value is Difficulty => typeof value === 'string' && (difficulties as readonly string[]).includes(value);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** The facts since the last reset: a reset starts the same drill again from nothing. */
export function sinceLastReset(facts: readonly JournalEntry[]): readonly JournalEntry[] {
  let start = 0;
  facts.forEach((entry, index) => {
    if (isDrillEvent(entry, 'drill.reset')) start = index;
  });
  return start === 0 ? facts : facts.slice(start);
}

/** The run key of the drill, or null when its start is not in the facts (nothing to replay). */
export function runKeyOf(facts: readonly JournalEntry[]): RunKey | null {
  const started = facts.find((entry) => isDrillEvent(entry, 'drill.started'));
  const detail = started?.detail;
  const seed = num(detail?.seed);
  if (!detail || typeof detail.scenario !== 'string' || seed === undefined || !isDifficulty(detail.difficulty)) return null;
  return {
    scenario: detail.scenario,
    seed,
    difficulty: detail.difficulty,
    onsetDelayMs: num(detail.onsetDelayMs) ?? 0,
    // Journals from before the epoch was recorded ran on the seed's epoch (the default).
    epochMs: num(detail.epochMs),
    faults: facts.filter((entry) => isDrillEvent(entry, 'fault.injected')).map((entry) => ({ scenario: String(entry.detail?.scenario), atMs: entry.simMs })),
  };
}

/** The change a journaled request made, as an intent; null for one that changed nothing the world keeps. */
function intentOf(entry: JournalEntry): ResponderIntent | null {
  const detail = entry.detail ?? {};
  const route = routeOf(detail);
  if (entry.source === 'kube') {
    const deployment = typeof detail.deployment === 'string' ? detail.deployment : undefined;
    if (deployment === undefined) return null;
    if (detail.rolledBack === true) return { kind: 'rollout-undo', deployment, toRevision: num(detail.toRevision) };
    if (num(detail.revision) !== undefined) return { kind: 'set-template', deployment, ...(typeof detail.image === 'string' ? { image: detail.image } : {}), ...(num(detail.memoryLimitBytes) !== undefined ? { memoryLimitBytes: num(detail.memoryLimitBytes)! } : {}) };
    const replicas = num(detail.replicas);
    return replicas === undefined ? null : { kind: 'scale', deployment, replicas };
  }
  switch (route) {
    case '/admin/config':
      return detail.changes && typeof detail.changes === 'object' ? { kind: 'config', changes: detail.changes as Record<string, boolean | number | string> } : null;
    case '/admin/speculation/drain':
      return { kind: 'drain' };
    case '/admin/gc':
      return { kind: 'gc', force: detail.force === true };
    case '/admin/speculation/snapshots/clear':
      return detail.dryRun === false ? { kind: 'clear-snapshots', olderThanMs: num(detail.olderThanMs) ?? 0 } : null;
    case '/admin/check-integrity':
      return { kind: 'check-integrity', full: detail.full === true };
    case '/admin/proof-worker/timeout':
      return { kind: 'timeout-proofs', olderThanMs: num(detail.olderThanMs) ?? 0 };
    case '/admin/stake/status':
      return { kind: 'stake-status' };
    case undefined:
    default:
      return null;
  }
}

/**
 * A kube write that both scaled and rolled a template is two intents; the journal keeps them
 * as one entry, in the order the handler applied them (replicas, then the template).
 */
function intentsOf(entry: JournalEntry): ResponderIntent[] {
  const detail = entry.detail ?? {};
  const first = intentOf(entry);
  if (first === null) return [];
  const replicas = num(detail.replicas);
  const previous = num(detail.previousReplicas);
  if (entry.source === 'kube' && (first.kind === 'rollout-undo' || first.kind === 'set-template') && replicas !== undefined && previous !== undefined && replicas !== previous) return [{ kind: 'scale', deployment: first.deployment, replicas }, first];
  return [first];
}

/** Every change the responder made, in order, at the moment each began. */
export function responderIntents(facts: readonly JournalEntry[]): TimedIntent[] {
  const intents: TimedIntent[] = [];
  for (const entry of facts) {
    const stakeRead = entry.outcome === 'accepted' && entry.source !== 'world' && entry.source !== 'sim' && routeOf(entry.detail) === '/admin/stake/status';
    if (!isServiceWrite(entry) && !stakeRead) continue;
    const atMs = num(entry.detail?.startedAtMs) ?? entry.simMs;
    for (const intent of intentsOf(entry)) intents.push({ atMs, intent, actor: entry.actor ?? null });
  }
  // Facts come in journal order, which is the order the answers went out: a drain's entry comes
  // after the changes made while it ran, so order by when each began (stable for ties).
  return intents.map((intent, index) => ({ intent, index })).sort((a, b) => a.intent.atMs - b.intent.atMs || a.index - b.index).map(({ intent }) => intent);
}
