/**
 * The debrief's path says what each alert was: the incident's page, or a platform warning that
 * fired beside it (an alert, never "page:"), and counts from the incident's page.
 */
import { describe, expect, it } from 'vitest';
import { logVolumeAlert } from '@gameday/scenarios';
import type { FinishedDrill } from '../storage/drill-store';
import { pageMsOf, pathOf } from './drill-debrief';
import type { DrillScore } from './drill-scorer';
import { journal, min } from './test-journal';

describe("the debrief's path", () => {
  it('calls a platform warning an alert and the incident’s alert the page, counted from the page', () => {
    const entries = journal().start().page(20, 'P4', logVolumeAlert.name).page(45).disable(48).entries;
    const finished: FinishedDrill = { id: 'd1', trainee: 'Ada', team: 'sre-blue', scenario: 'rollback-storm', difficulty: 'normal', ranked: false, score: {} as DrillScore, finishedAt: '2026-12-01T00:00:00.000Z', durationMs: 50 * min, impact: {}, journal: entries, facts: entries };
    const pageMs = pageMsOf(finished);
    expect(pageMs).toBe(45 * min);
    const steps = pathOf(finished, pageMs).map((step) => [step.atMs / min, step.step]);
    expect(steps).toContainEqual([-25, `alert: ${logVolumeAlert.name}`]);
    expect(steps).toContainEqual([0, 'page: SpeculationRollbackStorm']);
  });
});
