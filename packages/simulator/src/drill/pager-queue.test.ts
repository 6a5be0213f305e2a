/**
 * The pager's queue: the view shows its first alert and Acknowledge acknowledges that same one.
 * A critical page that fires while a platform warning rings unanswered comes first (a trainee
 * pressing Acknowledge when paged answers the page); the warning still waits its turn.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { logVolumeAlert } from '@gameday/scenarios';
import type { ActionJournal } from './action-journal';
import { Drill } from './drill';
import { pagerQueue } from './pager-queue';
import { GamedayError } from '../core/gameday-error';
import { applyInput } from './drill-inputs';
import { worldFingerprint } from './world-fingerprint';
import { acknowledgePage } from './trainee-actions';
import { traineeView } from './trainee-view';

const drills: Drill[] = [];
afterEach(() => {
  for (const drill of drills.splice(0)) drill.stop();
});

const notes = (): ActionJournal => ({ detail: {}, noteHarm: () => undefined });

/**
 * A rollback storm whose critical page comes while the platform warning (about 20-30 minutes in on
 * normal) rings unanswered: the first seed and onset where they overlap.
 */
function warningThenCriticalPage(): Drill {
  for (const onsetMinutes of [0, 5, 10, 15]) {
    for (let seed = 1; seed < 10; seed++) {
      const drill = new Drill({ scenario: 'rollback-storm', seed, clock: 'virtual', speed: 1, difficulty: 'normal', onsetDelayMs: onsetMinutes * 60_000 });
      drills.push(drill);
      drill.start();
      const both = () => {
        const firing = drill.world.alertStates().filter((alert) => alert.state === 'firing');
        const warning = firing.find((alert) => alert.name === logVolumeAlert.name);
        return warning !== undefined && firing.some((alert) => alert.severity === 'critical' && alert.firedAtMs! > warning.firedAtMs!);
      };
      if (drill.skipUntil(both, 45 * 60_000, 'test')) return drill;
      drill.stop();
    }
  }
  throw new Error('no seed or onset here has the warning ringing when the storm pages');
}

describe('the pager queue', () => {
  it('shows and acknowledges a critical page before a warning left ringing, then the warning', () => {
    const drill = warningThenCriticalPage();
    const queue = pagerQueue(drill);
    const warning = queue.find((alert) => alert.name === logVolumeAlert.name)!;
    const page = queue.find((alert) => alert.severity === 'critical')!;
    expect(warning.firedAtMs!).toBeLessThan(page.firedAtMs!);
    expect(queue[0]!.name).toBe(page.name);
    expect(traineeView(drill).page).toMatchObject({ alert: page.name, acknowledgedAt: null });
    expect(acknowledgePage(drill, notes())).toMatchObject({ alert: page.name });
    expect(drill.trainee.acknowledged).toMatchObject({ alert: page.name });
    // Then the warning, still unanswered, is what the pager rings for.
    expect(traineeView(drill).page).toMatchObject({ alert: warning.name, acknowledgedAt: null });
    expect(acknowledgePage(drill, notes())).toMatchObject({ alert: warning.name });
    expect(traineeView(drill).page?.acknowledgedAt).not.toBeNull();
  });

  it('acknowledges the alert named (the one the pager showed when pressed), refuses one no longer waiting, and replays it', () => {
    const drill = warningThenCriticalPage();
    const queue = pagerQueue(drill);
    const warning = queue.find((alert) => alert.name === logVolumeAlert.name)!;
    const page = queue.find((alert) => alert.severity === 'critical')!;
    // Pressed while the pager still showed the warning: the warning is acknowledged, not the page now in front.
    const atMs = drill.clock.now();
    expect(acknowledgePage(drill, notes(), warning.name)).toMatchObject({ alert: warning.name });
    expect(drill.trainee.acknowledged).toBeNull();
    // Its input names the alert: replayed at the same moment, it acknowledges the same one.
    const replayed = new Drill({ ...drill.options });
    drills.push(replayed);
    replayed.start();
    replayed.clock.advanceBy(atMs);
    applyInput(replayed, { kind: 'acknowledge', alert: warning.name });
    expect([...replayed.trainee.acknowledgedOthers.entries()]).toEqual([[warning.name, atMs]]);
    expect(replayed.trainee.acknowledged).toBeNull();
    const view = traineeView(drill);
    // Behind the page, whatever else fires unanswered (the storm's elevated-rate warning, when it does).
    expect(view.page).toMatchObject({ alert: page.name, acknowledgedAt: null, waiting: queue.length - 2, lastAcknowledged: { alert: warning.name } });
    expect(view.trainee.answeredPage).toBeNull();
    // A second press for the warning is refused, says why and what waits, and changes nothing.
    const before = worldFingerprint(drill);
    let refused: unknown;
    try {
      acknowledgePage(drill, notes(), warning.name);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(GamedayError);
    expect(refused).toMatchObject({ code: 'CONFLICT', field: 'alert', allowed: queue.filter((alert) => alert.name !== warning.name).map((alert) => alert.name), message: `${warning.name} is not waiting for an acknowledgement: it is already acknowledged; the pager now shows ${page.name}` });
    expect(worldFingerprint(drill)).toBe(before);
    expect(() => acknowledgePage(drill, notes(), 'NoSuchAlert')).toThrow(/NoSuchAlert is not waiting for an acknowledgement: it is not firing/);
    acknowledgePage(drill, notes(), page.name);
    expect(traineeView(drill).trainee.answeredPage).toEqual({ alert: page.name, firedAt: drill.simDate(page.firedAtMs).toISOString() });
  });
});
