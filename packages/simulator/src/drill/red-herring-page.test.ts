/**
 * Issue 14 item 5: a platform warning that fires beside the incident (the log volume red
 * herring) is shown like any alert and may be acknowledged, harmlessly, but it is never the
 * incident's page: not for acknowledging the page, not for fast-forward, not for the scorer's
 * facts, and the post-mortem's page is the incident's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { alertNames, logVolumeAlert, matchesAction, noisyNeighbour, scenarios } from '@gameday/scenarios';
import type { JournalEntry } from '../journal/journal';
import { isDeclaration } from '../journal/scoring-facts';
import type { ActionJournal } from './action-journal';
import { scaleDeployment } from './cluster-actions';
import { Drill } from './drill';
import { acknowledgePage, fastForward } from './trainee-actions';
import { traineeView } from './trainee-view';

const drills: Drill[] = [];
afterEach(() => {
  for (const drill of drills.splice(0)) drill.stop();
});

/** A rollback storm that starts late (onset 40 min on), so the platform warning comes first. */
function lateStorm(seed = 1): Drill {
  const drill = new Drill({ scenario: 'rollback-storm', seed, clock: 'virtual', speed: 1, difficulty: 'normal', onsetDelayMs: 40 * 60_000 });
  drills.push(drill);
  drill.start();
  return drill;
}

function notes(): ActionJournal {
  return { detail: {}, noteHarm: () => undefined };
}

const noiseFiring = (drill: Drill) => () => drill.world.alerts.firing().includes(logVolumeAlert.name);
const pageFiring = (drill: Drill) => () => drill.world.alerts.firing().some((alert) => drill.pageAlerts().includes(alert));

describe('a platform warning beside the incident', () => {
  it('is not one of the running incident’s page alerts', () => {
    const drill = lateStorm();
    expect(drill.pageAlerts()).toEqual(alertNames(drill.scenario.spec!));
    expect(drill.pageAlerts()).not.toContain(logVolumeAlert.name);
  });

  it('shows on the pager and may be acknowledged; the page is still acknowledged when it comes', () => {
    const drill = lateStorm();
    expect(drill.skipUntil(noiseFiring(drill), 40 * 60_000, 'test')).toBe(true);
    expect(traineeView(drill).page).toMatchObject({ alert: logVolumeAlert.name, acknowledgedAt: null });
    const journal = notes();
    expect(acknowledgePage(drill, journal)).toMatchObject({ alert: logVolumeAlert.name });
    expect(journal.detail).toMatchObject({ alert: logVolumeAlert.name, summary: `acknowledged ${logVolumeAlert.name}` });
    expect(drill.trainee.acknowledged).toBeNull();
    expect(traineeView(drill).page?.acknowledgedAt).toBe(drill.simDate(drill.trainee.acknowledgedOthers.get(logVolumeAlert.name)).toISOString());
    // Fast-forward is for waiting: a warning does not make the stretch busy, and does not stop it.
    const fired = fastForward(drill, 60, notes());
    expect(pageFiring(drill)()).toBe(true);
    expect(fired.simMs).toBeGreaterThan(40 * 60_000);
    const page = drill.world.alertStates().find((alert) => alert.state === 'firing' && drill.pageAlerts().includes(alert.name))!;
    expect(traineeView(drill).page).toMatchObject({ alert: page.name, acknowledgedAt: null });
    expect(acknowledgePage(drill, notes())).toMatchObject({ alert: page.name });
    expect(drill.trainee.acknowledged).toMatchObject({ alert: page.name });
  });

  it('does not refuse a fast-forward while it rings unanswered before the page (as recorded drills were played)', () => {
    const drill = lateStorm(2);
    drill.skipUntil(() => drill.world.alerts.firing().includes(logVolumeAlert.name), 90 * 60_000, 'test: the warning');
    expect(pageFiring(drill)()).toBe(false);
    const from = drill.clock.now();
    expect(fastForward(drill, 5, notes()).simMs).toBeGreaterThan(from);
  });

  it('does not stop a fast-forward before the page, though it fires during it', () => {
    const drill = lateStorm(2);
    fastForward(drill, 90, notes());
    expect(pageFiring(drill)()).toBe(true);
    const fired = drill.journal.list({ source: 'world' }).filter((entry) => entry.action === 'alert.firing').map((entry) => String(entry.detail?.alert));
    expect(fired[0]).toBe(logVolumeAlert.name);
  });

  it("acknowledging it is not the page's acknowledgement in the scorer's facts", () => {
    const entry = (alert: string): JournalEntry => ({ seq: 1, simMs: 0, wallMs: 0, source: 'ui', action: 'POST /trainer/acknowledge', outcome: 'accepted', detail: { method: 'POST', route: '/trainer/acknowledge', alert } });
    expect(isDeclaration(entry(logVolumeAlert.name), '/trainer/acknowledge')).toBe(false);
    expect(isDeclaration(entry('SpeculationRollbackStorm'), '/trainer/acknowledge')).toBe(true);
  });
});

describe("the other team's workload", () => {
  it('scaled away, changes nothing about the incident and earns nothing', () => {
    const left = lateStorm(3);
    const scaled = lateStorm(3);
    left.clock.advanceBy(45 * 60_000);
    scaled.clock.advanceBy(45 * 60_000);
    const journal = notes();
    const deployment = scaled.world.cluster.deployments.get(noisyNeighbour.name)!;
    scaleDeployment(scaled, deployment, 0, journal);
    left.clock.advanceBy(15 * 60_000);
    scaled.clock.advanceBy(15 * 60_000);
    expect(scaled.phase()).toBe(left.phase());
    expect(scaled.harmfulActions()).toEqual(left.harmfulActions());
    expect(scaled.world.readings()).toEqual(left.world.readings());
    const record = { source: 'kube', action: 'PATCH', outcome: 'accepted', detail: { ...journal.detail, deployment: noisyNeighbour.name, replicas: 0 } };
    const steps = scenarios.flatMap((scenario) => (scenario.spec ? [...scenario.spec.requiredActions, ...scenario.spec.recovery] : []));
    expect(steps.filter((step) => step.anyOf.some((matcher) => matchesAction(matcher, record)))).toEqual([]);
  });
});
