/**
 * What a trainee may see of a drill: the clock, the primary region's local time, the pager, the
 * readings a dashboard shows, pods, config, logs, their own actions and timeline, but not the
 * scenario's name or phase (on easy the hints name the runbook section once the page has come
 * in), and nothing the service itself does not know yet (how many records are corrupt is known
 * after a full integrity check, not before).
 */
import { incidentBridge, scenarios, updateCadenceMs, type ChartedReading, type Readings } from '@gameday/scenarios';
import { alertRules } from '../world/alerts';
import { integrityStatus, regionReport, type IntegrityStatus, type RegionReport } from './service-reports';
import type { Drill } from './drill';
import { drillOutcome, onboardingHints, type DrillOutcome } from './drill-progress';
import type { SeriesSample } from './metric-series';
import { channelMessagesReport, type ChannelMessageEntry } from './outside-reports';
import { commanderSteps, requestStep, typedLine } from './commander-timeline';
import { peopleReplies } from './people-replies';
import { acknowledgedAt, pagerQueue } from './pager-queue';
import type { CommsPost, SeverityDeclaration } from './trainee-session';

/** The pager re-notifies an unacknowledged page this often (simulated). */
export const renotifyEveryMs = 5 * 60_000;

export interface PageView {
  alert: string;
  trigger: string;
  value: number;
  firedAt: string;
  acknowledgedAt: string | null;
  /** When the alert's condition cleared and it resolved; null while it fires. */
  resolvedAt: string | null;
  /** How many times the pager has gone off for it: once, plus each re-notification. */
  notifications: number;
  /** The runbook section the alert's rule links to (as an alert's runbook annotation does), for the runbook panel to open. */
  runbookSection: string | null;
  /** Other firing alerts still waiting for an acknowledgement behind this one. */
  waiting: number;
  /** The alert the responder acknowledged last, and when: what the last press of Acknowledge answered. */
  lastAcknowledged: { alert: string; at: string } | null;
}

/** Each alert's runbook section, by alert name: declared with the rule's incident (`spec.runbookSection`). */
const runbookSections = new Map(scenarios.flatMap((scenario) => (scenario.spec ? scenario.spec.alertRules.map((rule) => [rule.name, scenario.spec!.runbookSection] as const) : [])));

export interface TimelineItem {
  at: string;
  simMs: number;
  /** `ghost`: a step of the best run this drill races, at the moment it took it (not applied to this world). */
  who: 'you' | 'system' | 'ghost';
  /** In a game-day, the participant who did it (or the facilitator). */
  by: string | null;
  what: string;
}

/** A game-day session as its participants see it: never the scenario or an injected fault. */
export interface SessionView {
  code: string;
  title: string;
  team: string;
  status: 'open' | 'running' | 'paused' | 'ended';
  participants: Array<{ name: string; role: string; joinedAt: string }>;
  hints: Array<{ text: string; at: string }>;
}

/** The readings a dashboard shows: every one but the true count of corrupt records (see `integrity`). */
export type TraineeReadings = Omit<Readings, 'corruptedRecords'>;

export interface TraineeView {
  drill: { trainee: string; difficulty: string; startedAt: string };
  clock: { mode: string; simMs: number; simTime: string; speed: number; paused: boolean };
  /** The service's primary region and its local time: whether it is business hours there. */
  region: RegionReport;
  page: PageView | null;
  /**
   * Every alerting rule of the service (all incidents', as a team's Prometheus has them all), with
   * its `for` and the line a dashboard draws for it: the charts' thresholds are the rules' own.
   */
  alerts: Array<{
    name: string;
    runbook: string;
    trigger: string;
    summary: string;
    severity: 'critical' | 'warning';
    state: string;
    firedAt: string | null;
    value: number;
    forMs: number;
    threshold: { reading: ChartedReading; above: number } | null;
  }>;
  readings: TraineeReadings;
  /** What the integrity checker has found so far, and when. */
  integrity: IntegrityStatus;
  /** When the service turned speculation off itself, until someone turns it back on. */
  autoDisabledAt: string | null;
  config: Record<string, boolean | number | string>;
  deployments: Array<{ name: string; desired: number; ready: number }>;
  pods: Array<{ name: string; deployment: string; status: string; restarts: number }>;
  logs: Array<{ at: string; pod: string; level: string; message: string }>;
  /**
   * What other teams posted in the drill's channels, and what the people the responder escalated
   * to (and the bridge) said back, oldest first: the UI shows each in its channel.
   */
  messages: ChannelMessageEntry[];
  latestSample: SeriesSample | null;
  /** The incident bridge and the update cadence the runbook asks for: what a message template fills in. */
  comms: { bridgeUrl: string; updateEveryMinutes: number };
  trainee: {
    /**
     * The incident's page the responder answered, and when it first fired: what the message
     * templates describe ("Started", the short description), whatever the pager shows later.
     */
    answeredPage: { alert: string; firedAt: string } | null;
    severity: SeverityDeclaration | null;
    severityChanges: number;
    bridgeJoinedAt: string | null;
    /** What was said on the bridge (`by`: who, in a game-day), shown in its channel. */
    bridgeLines: Array<{ at: string; text: string; by: string | null }>;
    posts: Array<CommsPost & { at: string }>;
    escalations: Array<{ to: string; at: string }>;
    mitigatedAt: string | null;
    resolvedAt: string | null;
  };
  hints: string[];
  outcome: DrillOutcome | null;
  timeline: TimelineItem[];
  /** The game-day this drill belongs to; null for a solo drill. */
  session: SessionView | null;
  /** The best run this drill races: who, its final score, its steps so far (on the timeline) and both scores so far. */
  ghost: { drillId: string; trainee: string; score: number; steps: number; soFar: ScoreSoFar | null } | null;
}

/** A race's scores so far: each side's score had it stopped at `atMs`, the drill's last whole simulated minute. */
export interface ScoreSoFar {
  atMs: number;
  /** Null when the ghost's run cannot be replayed to the moment. */
  ghost: number | null;
  /** The racer's own; null before its drill starts. */
  yours: number | null;
}

/** Scores a race's view shows, from the layer that scores (`RaceScores`): null when the drill races no ghost. */
export interface RaceScoring {
  soFar(drill: Drill): ScoreSoFar | null;
}

function describe(entry: ReturnType<Drill['journal']['list']>[number]): string | undefined {
  const detail = entry.detail ?? {};
  switch (entry.source) {
    case 'world':
      if (entry.action === 'alert.firing') return `alert firing: ${String(detail.alert)}`;
      if (entry.action === 'alert.resolved') return `alert resolved: ${String(detail.alert)}`;
      if (entry.action === 'drain.completed') return 'drain completed';
      if (entry.action === 'speculation.auto_disabled') return 'the service turned speculation off itself (auto-protection)';
      if (entry.action === 'integrity.checked') return `integrity check (${detail.full === true ? 'full' : 'quick'}) finished: ${String(detail.inconsistentRecords)} inconsistent records`;
      return undefined;
    case 'ui':
      if (typeof detail.summary === 'string') return detail.summary;
      return typeof detail.command === 'string' ? `$ ${typedLine(detail.command)}${detail.interrupted === true ? ' ^C' : ''}` : undefined;
    case 'admin':
    case 'agenc':
    case 'kube':
    case 'other':
      return requestStep(entry);
    // Game-day entries name their actor (the person, or the facilitator) in the timeline's "by".
    case 'sim':
      if (entry.action === 'participant.joined') return `joined as ${String(detail.role)}`;
      if (entry.action === 'facilitator.start') return 'started the game-day';
      if (entry.action === 'facilitator.pause') return 'paused the clock';
      if (entry.action === 'facilitator.resume') return 'resumed the clock';
      if (entry.action === 'facilitator.speed') return `set the speed to ×${String(detail.to)}`;
      if (entry.action === 'facilitator.hint') return `hint: ${String(detail.text)}`;
      if (entry.action === 'facilitator.end') return 'ended the game-day';
      return undefined;
    case 'metrics':
      return undefined;
  }
}

/** The responder's own steps in a journal (what a ghost shows of its run), at their simulated moments. */
export function responderSteps(entries: Parameters<typeof commanderSteps>[0]): Array<{ simMs: number; what: string }> {
  return commanderSteps(entries, describe)
    .filter(({ entry }) => entry.source !== 'world')
    .map(({ entry, what }) => ({ simMs: entry.simMs, what }));
}

export function traineeView(drill: Drill, session: { view(): SessionView } | null = null, race: RaceScoring | null = null): TraineeView {
  const world = drill.world;
  const at = (simMs: number | null) => (simMs === null ? null : drill.simDate(simMs).toISOString());
  const alerts = world.alertStates();
  const trainee = drill.trainee;
  // The pager shows the first of its queue: what Acknowledge would acknowledge.
  const firing = pagerQueue(drill, alerts);
  const pages = new Set(drill.pageAlerts());
  const now = drill.clock.now();
  const first = firing[0];
  // Once nothing fires, the pager keeps the last page it showed, marked resolved, as a pager does.
  const resolved = first ? undefined : alerts.filter((alert) => alert.resolvedAtMs !== undefined && alert.firedAtMs !== undefined).sort((a, b) => b.resolvedAtMs! - a.resolvedAtMs!)[0];
  const shown = first ?? resolved;
  const acknowledged = shown ? acknowledgedAt(drill, shown.name, pages) : null;
  const waiting = Math.max(0, firing.filter((alert) => acknowledgedAt(drill, alert.name, pages) === null).length - (shown && acknowledged === null && first ? 1 : 0));
  const answers = [...(trainee.acknowledged ? [[trainee.acknowledged.alert, trainee.acknowledged.simMs] as const] : []), ...trainee.acknowledgedOthers.entries()].sort((a, b) => b[1] - a[1]);
  const lastAcknowledged = answers[0] ? { alert: answers[0][0], at: at(answers[0][1])! } : null;
  const page: PageView | null = shown
    ? {
        alert: shown.name,
        trigger: shown.trigger,
        value: shown.value,
        firedAt: at(shown.firedAtMs ?? now)!,
        acknowledgedAt: acknowledged !== null ? at(acknowledged) : null,
        resolvedAt: first ? null : at(shown.resolvedAtMs ?? now),
        notifications: acknowledged !== null || !first ? 1 : 1 + Math.floor((now - (first.firedAtMs ?? now)) / renotifyEveryMs),
        runbookSection: runbookSections.get(shown.name) ?? null,
        waiting,
        lastAcknowledged,
      }
    : trainee.acknowledged
      ? { alert: trainee.acknowledged.alert, trigger: '', value: 0, firedAt: at(trainee.acknowledged.simMs)!, acknowledgedAt: at(trainee.acknowledged.simMs), resolvedAt: null, notifications: 1, runbookSection: runbookSections.get(trainee.acknowledged.alert) ?? null, waiting: 0, lastAcknowledged }
      : null;
  const timeline: TimelineItem[] = [];
  for (const { entry, what } of commanderSteps(drill.journal.list({ limit: 2000 }), describe)) {
    // In a solo drill the admin token is the trainee's own: its entries are "you", unnamed.
    const by = entry.actor === undefined || (entry.actor === 'admin' && session === null) ? null : entry.actor;
    timeline.push({ at: at(entry.simMs)!, simMs: entry.simMs, who: entry.source === 'world' ? 'system' : 'you', by, what });
  }
  const ghost = drill.options.ghost;
  if (ghost) {
    // The ghost's steps up to now, by the moment it took them, among the trainee's own.
    for (const step of ghost.steps) if (step.simMs <= now) timeline.push({ at: at(step.simMs)!, simMs: step.simMs, who: 'ghost', by: ghost.trainee, what: step.what });
    timeline.sort((a, b) => a.simMs - b.simMs);
  }
  return {
    drill: { trainee: trainee.name, difficulty: drill.options.difficulty, startedAt: drill.simDate(0).toISOString() },
    clock: { mode: drill.clock.mode, simMs: now, simTime: drill.simDate().toISOString(), speed: drill.clock.speed, paused: drill.clock.isPaused },
    region: regionReport(drill),
    page,
    alerts: alerts.map((alert) => {
      const rule = alertRules.find((candidate) => candidate.name === alert.name);
      return {
        name: alert.name,
        runbook: alert.runbook,
        trigger: alert.trigger,
        summary: alert.summary,
        severity: alert.severity,
        state: alert.state,
        firedAt: at(alert.firedAtMs ?? null),
        value: alert.value,
        forMs: rule?.forMs ?? 0,
        threshold: rule?.threshold ?? null,
      };
    }),
    readings: traineeReadings(world.readings()),
    integrity: integrityStatus(drill),
    autoDisabledAt: world.autoDisabled ? at(world.autoDisabled.atMs) : null,
    config: { ...world.config },
    deployments: [...world.cluster.deployments.values()].map((deployment) => ({ name: deployment.name, desired: deployment.replicas, ready: world.cluster.readyCount(deployment.name) })),
    pods: world.cluster.pods.map((pod) => ({ name: pod.name, deployment: pod.deployment, status: pod.status, restarts: pod.restarts })),
    logs: world.logs.recent(50).map((line) => ({ at: at(line.simMs)!, pod: line.pod, level: line.level, message: line.message })),
    messages: [...channelMessagesReport(drill, Number.POSITIVE_INFINITY, null).messages, ...peopleReplies(drill)].sort((a, b) => a.at.localeCompare(b.at)),
    latestSample: drill.series.latest() ?? null,
    comms: { bridgeUrl: incidentBridge.url, updateEveryMinutes: updateCadenceMs / 60_000 },
    trainee: {
      answeredPage: trainee.acknowledged
        ? {
            alert: trainee.acknowledged.alert,
            firedAt: at(drill.journal.facts().find((entry) => entry.source === 'world' && entry.action === 'alert.firing' && entry.detail?.alert === trainee.acknowledged!.alert)?.simMs ?? trainee.acknowledged.simMs)!,
          }
        : null,
      severity: trainee.severity,
      severityChanges: trainee.severities.length,
      bridgeJoinedAt: at(trainee.bridgeJoinedMs),
      bridgeLines: trainee.bridgeLines.map((line) => ({ at: at(line.simMs)!, text: line.text, by: line.by ?? null })),
      posts: trainee.posts.map((post) => ({ ...post, at: at(post.simMs)! })),
      escalations: trainee.escalations.map((escalation) => ({ to: escalation.to, at: at(escalation.simMs)! })),
      mitigatedAt: at(trainee.mitigatedMs),
      resolvedAt: at(trainee.resolvedMs),
    },
    hints: onboardingHints(drill, page !== null),
    outcome: drillOutcome(drill),
    timeline: timeline.slice(-200),
    session: session?.view() ?? null,
    ghost: ghost ? { drillId: ghost.drillId, trainee: ghost.trainee, score: ghost.score, steps: ghost.steps.filter((step) => step.simMs <= now).length, soFar: race?.soFar(drill) ?? null } : null,
  };
}

/** The readings without the truth no surface of the service shows. */
function traineeReadings(readings: Readings): TraineeReadings {
  const { corruptedRecords: _hidden, ...visible } = readings;
  return visible;
}
