/**
 * The people a responder escalates to and meets on the bridge, and what they say, so that
 * escalating is answered the way people answer: the platform lead acknowledges within a few
 * minutes and asks for an update when the cadence slips, engineering leadership joins the
 * bridge on a P1, finance asks what is at stake. Every line is scripted here (an incident adds
 * its own in `ScenarioSpec.people`), and when it is said is fixed by the seed and by the
 * simulated moments of the responder's own actions, so a replay hears the same people at the
 * same moments. Nothing here knows the cause: people ask, they never tell.
 */
import type { EscalationTarget } from './scenario-spec';

export interface Person {
  name: string;
  /** How they are introduced: "platform lead". */
  role: string;
}

/** Who answers for each escalation target, and the secondary on-call who is on the bridge. */
export const incidentPeople: Readonly<Record<EscalationTarget | 'secondary', Person>> = {
  'platform-lead': { name: 'Priya Raman', role: 'platform lead' },
  'engineering-leadership': { name: 'Marcus Bell', role: 'VP Engineering' },
  finance: { name: 'Dana Okafor', role: 'finance' },
  legal: { name: 'Sam Whitfield', role: 'legal counsel' },
  secondary: { name: 'Lee Chen', role: 'secondary on-call' },
};

/** The incident bridge a responder joins, and the link a message gives for it. */
export const incidentBridge = { name: 'speculation incident bridge', url: 'https://meet.agenc.io/speculation-incident' } as const;

/** The runbook's cadence for updates in #incidents ("Next update in 15 minutes"). */
export const updateCadenceMs = 15 * 60_000;
/** How late an update is before the platform lead asks for it. */
const nudgeGraceMs = 60_000;
/** Bounds on how often someone nags, however long a drill runs. */
const maxNudges = 12;

/** Where the runbook sends a severity's updates: #incidents for a P1, #platform-alerts for a P2 (and below). */
export const updatesChannel = (severity: string | null): '#incidents' | '#platform-alerts' => (severity === 'P1' ? '#incidents' : '#platform-alerts');

/** What each target says when they acknowledge, and how long (simulated) they take to. */
const acknowledgements: Readonly<Record<EscalationTarget, { afterMs: readonly [number, number]; text: (facts: ReplyFacts) => string }>> = {
  'platform-lead': {
    afterMs: [2 * 60_000, 4 * 60_000],
    text: ({ responder, severity }) =>
      `Ack, ${responder}, I'm with you. ${severity ? `Treating it as ${severity}. Keep updates coming in ${updatesChannel(severity)} every 15 minutes, please.` : 'What severity are we calling it? Keep updates coming every 15 minutes, please: #incidents for a P1, #platform-alerts otherwise.'}`,
  },
  'engineering-leadership': {
    afterMs: [3 * 60_000, 6 * 60_000],
    // Told after the P1 was called, they say they are coming; before, they say what would bring them.
    text: ({ responder, severity }) => (severity === 'P1' ? `Thanks ${responder}, got it. A P1: I'll join the bridge shortly. Keep me posted here.` : `Thanks ${responder}, got it. Keep me posted here; if this is a P1 I'll join the bridge.`),
  },
  finance: {
    afterMs: [4 * 60_000, 8 * 60_000],
    text: () => 'Finance here. Is any customer money or stake at risk? Tell us the exposure as soon as you know it.',
  },
  legal: {
    afterMs: [6 * 60_000, 12 * 60_000],
    text: () => 'Legal here. Please run any customer-facing wording past me before it goes out, and keep the timeline for the record.',
  },
};

/** What the script reads: the responder's own actions, each at its simulated moment. */
export interface ReplyInput {
  seed: number;
  responder: string;
  /** When the page fired, if it has. */
  pagedAtMs: number | null;
  /** Each escalation, with who made it when not the responder (a game-day's participant): they are answered. */
  escalations: ReadonlyArray<{ to: EscalationTarget; simMs: number; by?: string }>;
  severities: ReadonlyArray<{ severity: string; simMs: number }>;
  bridgeJoinedMs: number | null;
  /** What the responder (or, in a game-day, `by`) said on the bridge, by moment: the people there answer. */
  bridgeLines?: ReadonlyArray<{ simMs: number; by?: string }>;
  /** When the responder posted an update where the runbook has them (#incidents or #platform-alerts). */
  updatesMs: readonly number[];
  /** When the responder declared the incident resolved: people stop asking. */
  resolvedMs: number | null;
  /** The incident's own lines, by escalation target (`ScenarioSpec.people`). */
  lines?: Partial<Record<EscalationTarget, string>>;
  nowMs: number;
}

interface ReplyFacts {
  responder: string;
  /** The severity declared at that moment, if any. */
  severity: string | null;
}

export interface ScriptedReply {
  simMs: number;
  channel: '#incidents' | 'bridge';
  from: string;
  text: string;
}

/** A number in [0, 1) fixed by the seed and a name: each person's delay, the same on every replay. */
function seededUnit(seed: number, name: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 12), 0x297a2d39) >>> 0;
  return ((hash ^ (hash >>> 15)) >>> 0) / 4294967296;
}

/** A whole-second delay in [min, max], from the seed and what it is for. */
function delay(seed: number, name: string, [min, max]: readonly [number, number]): number {
  return Math.round((min + seededUnit(seed, name) * (max - min)) / 1000) * 1000;
}

const speaker = (person: Person) => `${person.name} (${person.role})`;

/** Everything the people have said up to `nowMs`, oldest first. */
export function scriptedReplies(input: ReplyInput): ScriptedReply[] {
  const replies: ScriptedReply[] = [];
  const end = Math.min(input.nowMs, input.resolvedMs ?? Number.POSITIVE_INFINITY);
  const severityAt = (simMs: number) => [...input.severities].filter((declared) => declared.simMs <= simMs).pop()?.severity ?? null;
  const ackAt = new Map<EscalationTarget, number>();

  for (const escalation of input.escalations) {
    const script = acknowledgements[escalation.to];
    const at = escalation.simMs + delay(input.seed, `ack:${escalation.to}`, script.afterMs);
    ackAt.set(escalation.to, at);
    const text = input.lines?.[escalation.to] ?? script.text({ responder: escalation.by ?? input.responder, severity: severityAt(at) });
    if (at <= input.nowMs) replies.push({ simMs: at, channel: '#incidents', from: speaker(incidentPeople[escalation.to]), text });
  }

  // Who is on the bridge answers the first thing said there after they asked for it, once.
  const answerOnBridge = (askedAtMs: number, who: Person, name: string, text: (to: string) => string) => {
    const said = (input.bridgeLines ?? []).find((line) => line.simMs >= askedAtMs);
    if (!said) return;
    const at = said.simMs + delay(input.seed, `bridge-answer:${name}`, [20_000, 60_000]);
    if (at <= end) replies.push({ simMs: at, channel: 'bridge', from: speaker(who), text: text(said.by ?? input.responder) });
  };

  // Engineering leadership joins the bridge once the incident is a P1 and they have been told.
  const leadershipAck = ackAt.get('engineering-leadership');
  const p1 = input.severities.find((declared) => declared.severity === 'P1');
  if (leadershipAck !== undefined && p1) {
    const at = Math.max(leadershipAck, p1.simMs) + delay(input.seed, 'bridge:engineering-leadership', [60_000, 3 * 60_000]);
    if (at <= end) {
      replies.push({ simMs: at, channel: 'bridge', from: speaker(incidentPeople['engineering-leadership']), text: "Joined the bridge. Give me the two-line summary when you have a breath: impact, what you've done, what's next." });
      answerOnBridge(at, incidentPeople['engineering-leadership'], 'engineering-leadership', (to) => `Thanks ${to}, that's what I needed. I'll take the exec updates from here; you keep working it.`);
    }
  }

  // The bridge answers whoever joins it.
  if (input.bridgeJoinedMs !== null) {
    const at = input.bridgeJoinedMs + delay(input.seed, 'bridge:secondary', [30_000, 90_000]);
    if (at <= end) {
      replies.push({ simMs: at, channel: 'bridge', from: speaker(incidentPeople.secondary), text: `Hi ${input.responder}, I'm on as secondary. Tell me what to watch or run while you work the runbook.` });
      answerOnBridge(at, incidentPeople.secondary, 'secondary', (to) => `On it, ${to}. I'll call out here anything that moves.`);
    }
  }

  // The platform lead, once they have acknowledged, asks when an update is late.
  const leadAck = ackAt.get('platform-lead');
  if (leadAck !== undefined) replies.push(...lateUpdateNudges(input, leadAck, end));

  return replies.sort((a, b) => a.simMs - b.simMs);
}

function lateUpdateNudges(input: ReplyInput, leadAckMs: number, end: number): ScriptedReply[] {
  const nudges: ScriptedReply[] = [];
  const updates = [...input.updatesMs].sort((a, b) => a - b);
  const firstReference = input.pagedAtMs ?? leadAckMs;
  // Each stretch between updates (the first from the page) may hold nudges, one per missed cadence.
  const references = [firstReference, ...updates.filter((simMs) => simMs > firstReference)];
  for (let index = 0; index < references.length && nudges.length < maxNudges; index++) {
    const from = references[index]!;
    const next = references[index + 1] ?? Number.POSITIVE_INFINITY;
    for (let at = from + updateCadenceMs + nudgeGraceMs; at < next && at <= end && nudges.length < maxNudges; at += updateCadenceMs) {
      if (at < leadAckMs) continue;
      const minutes = Math.floor((at - from) / 60_000);
      const text =
        index === 0 && updates.every((simMs) => simMs > at)
          ? `${input.responder}, no update posted yet, ${minutes} minutes after the page. Can you post where we are?`
          : `${input.responder}, it's been ${minutes} minutes since the last update. Where are we?`;
      nudges.push({ simMs: at, channel: '#incidents', from: speaker(incidentPeople['platform-lead']), text });
    }
  }
  return nudges;
}
