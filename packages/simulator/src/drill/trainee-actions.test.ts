import { afterEach, describe, expect, it } from 'vitest';
import { GamedayError } from '../core/gameday-error';
import type { ActionJournal } from './action-journal';
import { Drill } from './drill';
import { acknowledgePage, declareIncident, declareSeverity, escalate, fastForward, joinBridge, postUpdate, sayOnBridge, startLobbyDrill } from './trainee-actions';
import { worldFingerprint } from './world-fingerprint';
import { changeConfig } from './service-actions';
import { traineeView } from './trainee-view';

const drills: Drill[] = [];
afterEach(() => {
  for (const drill of drills.splice(0)) drill.stop();
});

function storm(): Drill {
  const drill = new Drill({ scenario: 'rollback-storm', seed: 16, clock: 'virtual', speed: 1, difficulty: 'normal' });
  drills.push(drill);
  drill.start();
  return drill;
}

/** A journal entry's notes as a route hands them over, with the harm the scenario saw. */
function notes(): ActionJournal & { harm: string[] } {
  const harm: string[] = [];
  return { detail: {}, harm, noteHarm: (why) => void (why !== undefined && harm.push(why)) };
}

const paged = (drill: Drill) => drill.skipUntil(() => drill.world.alerts.firing().length > 0, 60 * 60_000, 'test: wait for the page');

/** Runs an action that must be refused, and says what it was refused with. */
function refusal(action: () => unknown): GamedayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GamedayError) return error;
    throw error;
  }
  throw new Error('the action was not refused');
}

describe('the trainee actions (issue 14 item 8: what an action does lives in the drill layer)', () => {
  it('acknowledges the alert firing longest, once, and refuses while nothing pages, changing nothing', () => {
    const drill = storm();
    const quiet = notes();
    expect(refusal(() => acknowledgePage(drill, quiet))).toMatchObject({ code: 'CONFLICT', message: 'no page to acknowledge: no alert is firing' });
    expect(drill.trainee.acknowledged).toBeNull();
    expect(quiet.detail).toEqual({});

    expect(paged(drill)).toBe(true);
    const journal = notes();
    const firing = drill.world.alertStates().filter((alert) => alert.state === 'firing').sort((a, b) => (a.firedAtMs ?? 0) - (b.firedAtMs ?? 0))[0]!;
    expect(acknowledgePage(drill, journal)).toEqual({ alert: firing.name, acknowledgedAtMs: drill.clock.now() });
    expect(journal.detail).toMatchObject({ alert: firing.name, summary: `acknowledged ${firing.name}` });
    expect(refusal(() => acknowledgePage(drill, notes()))).toMatchObject({ code: 'CONFLICT', message: `already acknowledged (${firing.name})` });
  });

  it('keeps every severity declared, noting what the engine expected at the moment', () => {
    const drill = storm();
    paged(drill);
    const first = notes();
    expect(declareSeverity(drill, { severity: 'P2', answers: { 'over-10-percent': true } }, first)).toEqual({ severity: 'P2', changes: 1 });
    expect(first.detail).toMatchObject({ severity: 'P2', expectedSeverity: drill.expectedSeverity(), summary: 'declared P2' });
    const second = notes();
    declareSeverity(drill, { severity: 'P1', answers: {} }, second);
    expect(second.detail.summary).toBe('changed severity from P2 to P1');
    expect(drill.trainee.severities.map((declared) => declared.severity)).toEqual(['P2', 'P1']);
    const again = notes();
    declareSeverity(drill, { severity: 'P1', answers: { 'over-10-percent': true } }, again);
    expect(again.detail.summary).toBe('re-assessed the impact, still P1');
    // Once resolved, the severity stands: refused, nothing recorded.
    declareIncident(drill, 'resolved', notes());
    const fingerprint = worldFingerprint(drill);
    expect(refusal(() => declareSeverity(drill, { severity: 'P3', answers: {} }, notes()))).toMatchObject({ code: 'CONFLICT', message: 'the incident is already declared resolved: its severity stands at P1' });
    expect(worldFingerprint(drill)).toBe(fingerprint);
    expect(drill.trainee.severities).toHaveLength(3);
  });

  it('refuses a post with a placeholder left in, naming the field, and posts nothing', () => {
    const drill = storm();
    const error = refusal(() => postUpdate(drill, { channel: '#incidents', template: 'update', text: 'Impact: {impact}, next update {time}' }, notes()));
    expect(error).toMatchObject({ code: 'INVALID_BODY', field: 'text', message: "fill in the template's placeholders first: {impact}, {time}" });
    expect(drill.trainee.posts).toEqual([]);
    expect(postUpdate(drill, { channel: '#incidents', template: 'update', text: 'Rollback rate falling since speculation was disabled' }, notes())).toEqual({ posts: 1 });
  });

  it('joins the bridge and escalates to each target once', () => {
    const drill = storm();
    expect(joinBridge(drill, notes())).toEqual({ joinedAtMs: drill.clock.now() });
    expect(refusal(() => joinBridge(drill, notes()))).toMatchObject({ code: 'CONFLICT', message: 'already on the bridge' });
    expect(escalate(drill, 'platform-lead', notes())).toEqual({ escalations: 1 });
    expect(refusal(() => escalate(drill, 'platform-lead', notes()))).toMatchObject({ code: 'CONFLICT', message: 'already escalated to platform-lead' });
    expect(escalate(drill, 'finance', notes())).toEqual({ escalations: 2 });
  });

  it('speaks on the bridge only once on it: before, refused with the world unchanged', () => {
    const drill = storm();
    const before = worldFingerprint(drill);
    expect(refusal(() => sayOnBridge(drill, 'Rollbacks at 50%, speculation off next', notes()))).toMatchObject({ code: 'CONFLICT', message: 'join the incident bridge first: only those on the bridge are heard there' });
    expect(worldFingerprint(drill)).toBe(before);
    joinBridge(drill, notes());
    drill.skipTime(60_000, 'test');
    const journal = notes();
    expect(sayOnBridge(drill, 'Rollbacks at 50%, speculation off next', journal, 'Bo')).toEqual({ lines: 1 });
    expect(drill.trainee.bridgeLines).toEqual([{ text: 'Rollbacks at 50%, speculation off next', simMs: drill.clock.now(), by: 'Bo' }]);
    expect(journal.detail.summary).toBe('spoke on the incident bridge');
  });

  it('declares mitigated once; resolved implies mitigated, and nothing is declared after it', () => {
    const drill = storm();
    declareIncident(drill, 'mitigated', notes());
    const mitigatedMs = drill.trainee.mitigatedMs;
    expect(refusal(() => declareIncident(drill, 'mitigated', notes()))).toMatchObject({ code: 'CONFLICT', message: 'already declared mitigated' });
    drill.skipTime(60_000, 'test');
    const journal = notes();
    declareIncident(drill, 'resolved', journal);
    expect(drill.trainee).toMatchObject({ mitigatedMs, resolvedMs: drill.clock.now() });
    expect(journal.detail).toEqual({ state: 'resolved', summary: 'declared resolved' });
    expect(refusal(() => declareIncident(drill, 'mitigated', notes()))).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('already declared resolved') as unknown });

    const straight = storm();
    declareIncident(straight, 'resolved', notes());
    expect(straight.trainee.mitigatedMs).toBe(straight.trainee.resolvedMs);
  });

  it('fast-forwards a quiet stretch up to the page, refuses while the pager rings, and skips a wait once everything is answered', () => {
    const drill = storm();
    const skipped = fastForward(drill, 30, notes());
    const firing = drill.world.alerts.firing();
    // Either the page came (and the skip stopped there) or the whole 30 minutes passed quietly.
    expect(firing.length > 0 || skipped.simMs >= 30 * 60_000).toBe(true);
    paged(drill);
    const before = drill.clock.now();
    const fingerprint = worldFingerprint(drill);
    expect(refusal(() => fastForward(drill, 5, notes()))).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/^the pager is ringing: acknowledge \w+ first/) as unknown });
    expect(drill.clock.now()).toBe(before);
    expect(worldFingerprint(drill)).toBe(fingerprint);
    // Answered (a platform warning ringing first is answered too): waiting for the cause's owners is skipped, five minutes of it.
    for (let presses = 0; presses < 3 && drill.trainee.acknowledged === null; presses++) acknowledgePage(drill, notes());
    expect(drill.trainee.acknowledged).not.toBeNull();
    for (let presses = 0; presses < 3 && traineeView(drill).page?.waiting; presses++) acknowledgePage(drill, notes());
    const waited = fastForward(drill, 5, notes());
    expect(waited.simMs).toBe(drill.clock.now());
    expect(waited.simMs - before).toBeGreaterThan(0);
    expect(waited.simMs - before).toBeLessThanOrEqual(5 * 60_000 + 1000);
  });

  it('stops a wait when the incident pages again: a storm brought back by re-enabling too early', () => {
    const drill = new Drill({ scenario: 'rollback-storm', seed: 12, clock: 'virtual', speed: 1, difficulty: 'normal' });
    drills.push(drill);
    drill.start();
    drill.skipUntil(() => drill.pagingNow().length > 0, 60 * 60_000, 'test: wait for the page');
    for (let presses = 0; presses < 3 && (drill.trainee.acknowledged === null || traineeView(drill).page?.waiting); presses++) acknowledgePage(drill, notes());
    changeConfig(drill, { 'speculation.enabled': false }, notes(), 'test');
    drill.skipUntil(() => drill.pagingNow().length === 0, 30 * 60_000, 'test: the storm calms');
    expect(drill.pagingNow()).toEqual([]);
    changeConfig(drill, { 'speculation.enabled': true }, notes(), 'test');
    const from = drill.clock.now();
    const waited = fastForward(drill, 60, notes());
    // Stopped where the page fired anew, well before the hour.
    expect(drill.pagingNow().length).toBeGreaterThan(0);
    expect(waited.simMs - from).toBeLessThan(60 * 60_000);
    const refired = drill.world.alertStates().find((alert) => drill.pageAlerts().includes(alert.name) && alert.state === 'firing')!;
    expect(refired.firedAtMs).toBeGreaterThan(from);
    expect(waited.simMs - refired.firedAtMs!).toBeLessThanOrEqual(1000);
  });

  it('starts a lobby drill on the previous drill\'s clock, stopping the previous one; a surprise names no scenario', () => {
    const previous = storm();
    const practice = notes();
    const { drill, surprise } = startLobbyDrill(previous, { trainee: '  Ada ', scenario: 'memory-exhaustion', difficulty: 'easy' }, practice);
    drills.push(drill);
    expect(surprise).toBe(false);
    expect(previous.started).toBe(false);
    expect(drill.started).toBe(true);
    expect(drill).toMatchObject({ scenario: { id: 'memory-exhaustion' }, trainee: { name: 'Ada' }, options: { clock: 'virtual', difficulty: 'easy', team: 'solo', ranked: false } });
    expect(practice.detail).toEqual({ summary: 'started a practice drill (easy) as Ada', scenario: 'memory-exhaustion' });

    const hidden = notes();
    const next = startLobbyDrill(drill, { trainee: 'Ada', team: 'payments', scenario: 'surprise', difficulty: 'normal' }, hidden);
    drills.push(next.drill);
    expect(next.surprise).toBe(true);
    expect(next.drill.scenario.incident).not.toBeNull();
    expect(next.drill.options).toMatchObject({ ranked: true, team: 'payments' });
    expect(hidden.detail).toEqual({ summary: 'started a surprise drill (normal) as Ada' });
  });
});
