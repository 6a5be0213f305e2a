import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TraineeView } from '@gameday/simulator';
import { ReadingsPanel } from './readings-panel';

const view = (overrides: Partial<Pick<TraineeView, 'integrity' | 'autoDisabledAt'>> = {}): Pick<TraineeView, 'readings' | 'config' | 'integrity' | 'autoDisabledAt'> => ({
  readings: {
    simMs: 0,
    speculationEnabled: true,
    speculationAutoDisabled: false,
    maxDepth: 4,
    rolloutPercentage: 100,
    rollbackRate: 0.03,
    activeTasks: 540,
    memoryRatio: 0.5,
    oomKilledPods: 0,
    proofQueueRatio: 0,
    proofWorkersReady: 8,
    agencWorkersReady: 4,
    gatewayPodsReady: 2,
    integrityCheckFailures: 3,
    integrityCheckFailuresRecent: 1,
    slashedTokens: 200,
    slashedTokensLast24h: 0,
    speculationPodsReady: 3,
    speculationPodsDesired: 3,
    speculationPodsOutdated: 0,
    operationsAffected: 0.184,
    operationsPending: 0,
    failingPods: 0,
    crashLoopingPods: 0,
    proofWorkersFailing: 0,
    slashingEventsLastHour: 0,
    logVolumeAvailableRatio: 0.41,
  },
  config: { 'speculation.enabled': true, 'speculation.max_depth': 4, 'speculation.features.rollout_percentage': 100 },
  integrity: { scans: 12, failedScans: 3, lastBackgroundScan: { at: '2025-03-04T10:11:00.000Z', recordsScanned: 262_144, inconsistentRecords: 2 }, running: null, lastFullCheck: null },
  autoDisabledAt: null,
  ...overrides,
});

const row = (label: string) => screen.getByText(label).parentElement!;

describe('ReadingsPanel (issue 14)', () => {
  it('shows the share of operations affected, and corrupt records only from a full check', () => {
    render(<ReadingsPanel view={view()} />);
    expect(row('Operations affected').textContent).toContain('18.4%');
    expect(row('Operations affected').className).toBe('bad');
    expect(row('Integrity scans failed').textContent).toContain('3 of 12');
    expect(row('Corrupted records (last full check)').textContent).toContain('no full check yet');
  });

  it('shows a full check running, then its result with its time', () => {
    const { rerender } = render(<ReadingsPanel view={view({ integrity: { ...view().integrity, running: { full: true, startedAt: '2025-03-04T10:12:00.000Z', endsAt: '2025-03-04T10:12:42.000Z' } } })} />);
    expect(row('Corrupted records (last full check)').textContent).toContain('full check running');
    rerender(<ReadingsPanel view={view({ integrity: { ...view().integrity, lastFullCheck: { finishedAt: '2025-03-04T10:12:42.000Z', corruptedRecords: 1234, affectedShards: [3, 9] } } })} />);
    expect(row('Corrupted records (last full check)').textContent).toContain('1,234 (checked 10:12 UTC)');
  });

  it('says when the service turned speculation off itself', () => {
    render(<ReadingsPanel view={{ ...view({ autoDisabledAt: '2025-03-04T10:20:05.000Z' }), config: { ...view().config, 'speculation.enabled': false } }} />);
    expect(screen.getByText(/turned off by the service itself at 10:20:05 UTC/)).toBeTruthy();
  });

  it('reads what the dashboard charts from the charts’ newest sample, and says no data when that scrape failed', () => {
    const sample = { simMs: 5000, up: 1 as const, rollbackRate: 0.42, activeTasks: 500, errorRate: 0, memoryRatio: 0.97, proofQueueRatio: 0.1, integrityFailures: 0, stakeTokens: 1 };
    const { rerender } = render(<ReadingsPanel view={{ ...view(), latestSample: sample }} />);
    expect(row('Rollback rate (1m)').textContent).toContain('42.0%');
    expect(row('Memory, highest pod').className).toBe('bad');
    const failed = { simMs: 10_000, up: 0 as const, rollbackRate: null, activeTasks: null, errorRate: null, memoryRatio: null, proofQueueRatio: null, integrityFailures: null, stakeTokens: null };
    rerender(<ReadingsPanel view={{ ...view(), latestSample: failed }} />);
    expect(row('Rollback rate (1m)').textContent).toContain('no data (scrape failed)');
    expect(row('Operations affected').textContent).toContain('18.4%');
  });
});
