/**
 * What the trainee's actions besides commands do to a drill (CONVENTIONS 19): start a drill
 * from the lobby, acknowledge the page, declare a severity, join the bridge, post an update,
 * escalate, declare mitigated or resolved, fast-forward a quiet stretch. Each checks the
 * drill's state first (a refusal changes nothing), then changes it and notes a one-line summary
 * and its facts for the journal. The routes only parse, call one of these and shape the reply.
 */
import { randomInt } from 'node:crypto';
import { scenarios, type Difficulty } from '@gameday/scenarios';
import { GamedayError } from '../core/gameday-error';
import type { ActionJournal } from './action-journal';
import { acknowledgedAt, pagerQueue } from './pager-queue';
import { Drill } from './drill';
import { readMessage } from './comms-message';
import type { Channel, CommsTemplate, EscalationTarget, ImpactQuestionId, SeverityDeclaration } from './trainee-session';

const incidentIds = scenarios.filter((scenario) => scenario.incident !== null).map((scenario) => scenario.id);

/** What the lobby asks for: a scenario, or "surprise" (scenario and alert time picked at random). */
export interface LobbyChoice {
  trainee: string;
  team?: string | undefined;
  scenario: string;
  difficulty: Difficulty;
}

/**
 * Replaces `previous` with a new drill of the trainee's choice, on the previous drill's clock
 * settings and alert webhook, and starts it. The request is journaled into the new drill,
 * without naming a surprise's scenario.
 */
export function startLobbyDrill(previous: Drill, choice: LobbyChoice, journal: ActionJournal): { drill: Drill; surprise: boolean } {
  const surprise = choice.scenario === 'surprise';
  const scenario = surprise ? incidentIds[randomInt(incidentIds.length)]! : choice.scenario;
  const trainee = choice.trainee.trim();
  const drill = new Drill({
    scenario,
    seed: randomInt(1, 2 ** 31 - 1),
    clock: previous.clock.mode,
    speed: previous.clock.speed,
    difficulty: choice.difficulty,
    trainee,
    team: choice.team?.trim() ?? 'solo',
    // The server's settings carry over to the drills started from the lobby.
    ...(previous.options.onAlert ? { onAlert: previous.options.onAlert } : {}),
    // Practice drills are not ranked; surprises, like a real page, are.
    ranked: surprise,
    // A surprise pages at a random moment in the next quarter hour, not on cue.
    ...(surprise ? { onsetDelayMs: randomInt(0, 15 * 60_000) } : {}),
  });
  previous.stop();
  drill.start();
  journal.detail.summary = `started a ${surprise ? 'surprise' : 'practice'} drill (${choice.difficulty}) as ${trainee}`;
  if (!surprise) journal.detail.scenario = scenario;
  return { drill, surprise };
}

/**
 * Acknowledges the alert the pager shows (`pager-queue.ts`: the same order the pager view uses),
 * or `alert`, the one the responder saw there when they pressed Acknowledge: it must still be
 * firing and waiting, so a pager that moved on since never acknowledges what they did not see.
 * The incident's page is acknowledged once (what the scorer grades); another alert firing beside
 * it (a platform warning) may be acknowledged too, once, which changes nothing about the
 * incident and is not the page, so the page can still be acknowledged when it comes.
 */
export function acknowledgePage(drill: Drill, journal: ActionJournal, alert?: string): { alert: string; acknowledgedAtMs: number } {
  return drill.asInput(
    () => (alert === undefined ? { kind: 'acknowledge' } : { kind: 'acknowledge', alert }),
    () => {
      const trainee = drill.trainee;
      const pages = new Set(drill.pageAlerts());
      const queue = pagerQueue(drill);
      const waiting = queue.filter((candidate) => acknowledgedAt(drill, candidate.name, pages) === null);
      const firing = alert === undefined ? waiting[0] : waiting.find((candidate) => candidate.name === alert);
      if (alert !== undefined && !firing) {
        const shown = waiting[0] ? `; the pager now shows ${waiting[0].name}` : '';
        throw new GamedayError('CONFLICT', `${alert} is not waiting for an acknowledgement: ${queue.some((candidate) => candidate.name === alert) ? 'it is already acknowledged' : 'it is not firing'}${shown}`, { field: 'alert', allowed: waiting.map((candidate) => candidate.name) });
      }
      if (!firing) {
        if (trainee.acknowledged) throw new GamedayError('CONFLICT', `already acknowledged (${trainee.acknowledged.alert})`);
        throw new GamedayError('CONFLICT', queue.length === 0 ? 'no page to acknowledge: no alert is firing' : `no page to acknowledge: ${queue.map((alert) => alert.name).join(', ')} already acknowledged`);
      }
      const now = drill.clock.now();
      if (pages.has(firing.name)) trainee.acknowledged = { alert: firing.name, simMs: now };
      else trainee.acknowledgedOthers.set(firing.name, now);
      journal.detail.alert = firing.name;
      journal.detail.secondsSinceFired = Math.round((now - (firing.firedAtMs ?? now)) / 1000);
      journal.detail.summary = `acknowledged ${firing.name}`;
      return { alert: firing.name, acknowledgedAtMs: now };
    },
  );
}

/** Declares (or changes) the severity, with the impact assessment answers; the journal keeps what the engine expected then. */
export function declareSeverity(
  drill: Drill,
  declaration: { severity: SeverityDeclaration['severity']; answers: Partial<Record<ImpactQuestionId, boolean>> },
  journal: ActionJournal,
): { severity: SeverityDeclaration['severity']; changes: number } {
  return drill.asInput(
    () => ({ kind: 'severity', declaration }),
    () => {
      const { severity, answers } = declaration;
      const previous = drill.trainee.severity;
      // The incident is over: its severity stands as declared (what the debrief and post-mortem say).
      if (drill.trainee.resolvedMs !== null) throw new GamedayError('CONFLICT', `the incident is already declared resolved: its severity stands at ${previous?.severity ?? 'none declared'}`);
      drill.trainee.severities.push({ severity, answers, simMs: drill.clock.now() });
      journal.detail.severity = severity;
      journal.detail.expectedSeverity = drill.expectedSeverity();
      journal.detail.answers = answers;
      journal.detail.summary = !previous ? `declared ${severity}` : previous.severity === severity ? `re-assessed the impact, still ${severity}` : `changed severity from ${previous.severity} to ${severity}`;
      return { severity, changes: drill.trainee.severities.length };
    },
  );
}

/** Joins the incident bridge, once. */
export function joinBridge(drill: Drill, journal: ActionJournal): { joinedAtMs: number } {
  return drill.asInput(
    () => ({ kind: 'bridge' }),
    () => {
      if (drill.trainee.bridgeJoinedMs !== null) throw new GamedayError('CONFLICT', 'already on the bridge');
      drill.trainee.bridgeJoinedMs = drill.clock.now();
      journal.detail.summary = 'joined the incident bridge';
      return { joinedAtMs: drill.trainee.bridgeJoinedMs };
    },
  );
}

/**
 * Says something on the incident bridge: the summary engineering leadership asks for once they
 * join, what the secondary should watch. Only someone on the bridge is heard there, so saying
 * anything before joining is refused, the world unchanged. Not graded: the runbook's updates go
 * to #incidents, and the bridge is where people talk. `by` is the game-day participant who said it.
 */
export function sayOnBridge(drill: Drill, text: string, journal: ActionJournal, by?: string): { lines: number } {
  return drill.asInput(
    () => ({ kind: 'bridge-say', text, ...(by === undefined ? {} : { by }) }),
    () => {
      if (drill.trainee.bridgeJoinedMs === null) throw new GamedayError('CONFLICT', 'join the incident bridge first: only those on the bridge are heard there');
      drill.trainee.bridgeLines.push({ text, simMs: drill.clock.now(), ...(by === undefined ? {} : { by }) });
      journal.detail.summary = 'spoke on the incident bridge';
      return { lines: drill.trainee.bridgeLines.length };
    },
  );
}

/** Posts a message from a runbook template; a placeholder left in it is refused. */
export function postUpdate(drill: Drill, post: { channel: Channel; template: CommsTemplate; text: string }, journal: ActionJournal): { posts: number } {
  return drill.asInput(
    () => ({ kind: 'post', post }),
    () => {
      const { channel, template, text } = post;
      if (/\{[^}]*\}/.test(text)) throw new GamedayError('INVALID_BODY', `fill in the template's placeholders first: ${[...new Set(text.match(/\{[^}]*\}/g))].join(', ')}`, { field: 'text' });
      drill.trainee.posts.push({ channel, template, text, simMs: drill.clock.now() });
      journal.detail.channel = channel;
      journal.detail.template = template;
      // What the message says that comms are graded on: its [P{X}], Status word and promised next update.
      Object.assign(journal.detail, readMessage(template, text));
      journal.detail.summary = `posted ${template} to ${channel}`;
      return { posts: drill.trainee.posts.length };
    },
  );
}

/**
 * Escalates to someone the runbook names, once each. `by` is the game-day participant who
 * escalated (the journal's actor), whom the person escalated to answers; a solo drill's is its trainee.
 */
export function escalate(drill: Drill, to: EscalationTarget, journal: ActionJournal, by?: string): { escalations: number } {
  return drill.asInput(
    () => ({ kind: 'escalate', to, ...(by === undefined ? {} : { by }) }),
    () => {
      if (drill.trainee.escalations.some((escalation) => escalation.to === to)) throw new GamedayError('CONFLICT', `already escalated to ${to}`);
      drill.trainee.escalations.push({ to, simMs: drill.clock.now(), ...(by === undefined ? {} : { by }) });
      journal.detail.to = to;
      journal.detail.summary = `escalated to ${to}`;
      return { escalations: drill.trainee.escalations.length };
    },
  );
}

/**
 * Declares the incident mitigated, or resolved (resolved implies mitigated). What ends the drill
 * on a resolve (scoring and storing it) is the caller's: the drill layer knows no store.
 */
export function declareIncident(drill: Drill, state: 'mitigated' | 'resolved', journal: ActionJournal): void {
  return drill.asInput(
    () => ({ kind: 'declare', state }),
    () => {
      const trainee = drill.trainee;
      if (trainee.resolvedMs !== null) throw new GamedayError('CONFLICT', 'the incident is already declared resolved; start a new drill from the lobby');
      if (state === 'mitigated') {
        if (trainee.mitigatedMs !== null) throw new GamedayError('CONFLICT', 'already declared mitigated');
        trainee.mitigatedMs = drill.clock.now();
      } else {
        trainee.resolvedMs = drill.clock.now();
        trainee.mitigatedMs ??= trainee.resolvedMs;
      }
      journal.detail.state = state;
      journal.detail.summary = `declared ${state}`;
    },
  );
}

/**
 * Skips ahead while the responder waits: before the page, or with the page answered (for a
 * dependency's owners, a rollout, a Recovery step's watch). It is refused while the page waits
 * for its acknowledgement, and it stops when the incident pages, or one of its alerts fires
 * again, so the pager goes off at its moment. A platform warning neither refuses it nor stops it.
 * Every skip the earlier rule (nothing of the incident's firing) accepted, this one accepts and
 * stops at the same moment, so recorded drills replay as they were played.
 */
export function fastForward(drill: Drill, minutes: number, journal: ActionJournal): { simMs: number } {
  return drill.asInput(
    () => ({ kind: 'fast-forward', minutes }),
    () => {
      // Refused while the incident's page waits for its acknowledgement. (The drill bar also waits
      // while a platform warning rings, since it cannot tell the two apart; the server accepted a
      // skip beside a warning before, and a recorded one must replay the same.)
      const pages = new Set(drill.pageAlerts());
      const ringing = pagerQueue(drill).find((alert) => pages.has(alert.name) && acknowledgedAt(drill, alert.name, pages) === null);
      if (ringing) throw new GamedayError('CONFLICT', `the pager is ringing: acknowledge ${ringing.name} first; fast-forward is for waiting, not for skipping a page`);
      const fromMs = drill.clock.now();
      // The incident's page unanswered, or one of its alerts firing anew since the skip began (a storm come back).
      const pagedAgain = () => drill.world.alertStates().some((alert) => alert.state === 'firing' && pages.has(alert.name) && (acknowledgedAt(drill, alert.name, pages) === null || (alert.firedAtMs ?? 0) > fromMs));
      drill.skipUntil(pagedAgain, minutes * 60_000, 'trainee fast-forward');
      journal.detail.summary = `fast-forwarded ${minutes} min`;
      return { simMs: drill.clock.now() };
    },
  );
}
