import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SeriesSample, TraineeView } from '@gameday/simulator';

const served = vi.hoisted(() => ({ samples: [] as unknown[], first: null as unknown[] | null }));
// `first`: what the first request answers (then it is spent), as a load made before any sample existed.
vi.mock('../../lib/api-client', () => ({
  getJson: async () => {
    const samples = served.first ?? served.samples;
    served.first = null;
    return { samples };
  },
}));

import { ChartsPanel } from './charts-panel';

const startedAt = '2026-11-28T13:00:00.000Z';
const values = (simMs: number): SeriesSample => ({ simMs, up: 1, rollbackRate: simMs >= 100 * 60_000 ? 0.37 : 0.05, activeTasks: 500, errorRate: 1, memoryRatio: 0.5, proofQueueRatio: 0, integrityFailures: 0, stakeTokens: 1_250_000 });
const gap = (simMs: number): SeriesSample => ({ simMs, up: 0, rollbackRate: null, activeTasks: null, errorRate: null, memoryRatio: null, proofQueueRatio: null, integrityFailures: null, stakeTokens: null });

/** Two hours of samples every five seconds, with one failed scrape window at 1:50. */
function twoHours(): SeriesSample[] {
  const samples: SeriesSample[] = [];
  for (let simMs = 0; simMs <= 120 * 60_000; simMs += 5000) samples.push(simMs >= 110 * 60_000 && simMs < 110 * 60_000 + 15_000 ? gap(simMs) : values(simMs));
  return samples;
}

const rule = (name: string, above: number, forMs: number, severity: 'critical' | 'warning', state = 'inactive', reading = 'rollbackRate'): TraineeView['alerts'][number] => ({
  name,
  runbook: 'INC-SPEC-001',
  trigger: '',
  summary: '',
  severity,
  state,
  firedAt: null,
  value: 0,
  forMs,
  threshold: { reading: reading as 'rollbackRate', above },
});

function view(samples: SeriesSample[]): Pick<TraineeView, 'drill' | 'latestSample' | 'alerts' | 'clock'> {
  const last = samples[samples.length - 1]!;
  return {
    drill: { trainee: 'Ada', difficulty: 'normal', startedAt },
    latestSample: last,
    clock: { mode: 'virtual', simMs: last.simMs, simTime: new Date(Date.parse(startedAt) + last.simMs).toISOString(), speed: 1, paused: false },
    alerts: [
      rule('SpeculationRollbackStorm', 0.5, 120_000, 'critical'),
      rule('SpeculationRollbackRateElevated', 0.25, 300_000, 'warning', 'firing'),
      rule('SpeculationMemoryExhaustion', 0.95, 60_000, 'critical', 'inactive', 'memoryRatio'),
      { ...rule('ProofWorkersFailing', 0, 300_000, 'warning'), threshold: null },
    ],
  };
}

const chart = (title: string) => screen.getByRole('img', { name: new RegExp(`^${title} from`) }).closest('figure')!;

beforeEach(() => {
  served.samples = twoHours();
  served.first = null;
  // jsdom has no PointerEvent: without one, a fired pointer event carries no coordinates.
  if (typeof window.PointerEvent === 'undefined') Object.defineProperty(window, 'PointerEvent', { value: class extends MouseEvent {}, configurable: true });
});

describe('ChartsPanel (issue 16: charts that read like Grafana)', () => {
  it('draws the alert rules’ own thresholds on the chart of their reading, labelled with the rule', async () => {
    render(<ChartsPanel view={view(served.samples as SeriesSample[])} />);
    const rollback = within(chart('Rollback rate'));
    expect(rollback.getByRole('list', { name: 'Rollback rate alert rules' }).textContent).toContain('SpeculationRollbackStorm: > 50% for 2m');
    expect(rollback.getByText(/SpeculationRollbackRateElevated: > 25% for 5m/).textContent).toContain('firing');
    expect(chart('Rollback rate').querySelectorAll('.chart-threshold line')).toHaveLength(2);
    expect(within(chart('Memory vs limit \\(highest pod\\)')).getByText(/SpeculationMemoryExhaustion: > 95% for 1m/)).toBeTruthy();
    expect(chart('Active speculative tasks').querySelectorAll('.chart-threshold')).toHaveLength(0);
    await screen.findAllByText(/scrape failed \(up 0\)/);
  });

  it('labels the time axis in 24-hour UTC, no more labels than the width has room for', async () => {
    render(<ChartsPanel view={view(served.samples as SeriesSample[])} />);
    await screen.findByRole('img', { name: /^Rollback rate from 14:45 to 15:00 UTC/ });
    const labels = [...chart('Rollback rate').querySelectorAll('.chart-time-label')].map((label) => label.textContent);
    expect(labels.length).toBeGreaterThan(1);
    expect(labels.length).toBeLessThanOrEqual(Math.floor(320 / 64));
    for (const label of labels) expect(label).toMatch(/^(1[45]):\d\d$/);
    expect(labels).toContain('14:50');
  });

  it('shows the value and the time under the pointer, and says so when the scrape failed', async () => {
    render(<ChartsPanel view={view(served.samples as SeriesSample[])} />);
    fireEvent.click(screen.getByRole('radio', { name: '1 h' }));
    const figure = chart('Rollback rate');
    await within(figure).findAllByText(/scrape failed/);
    const area = within(figure).getByTestId('chart-hover-area');
    const left = Number(area.getAttribute('x'));
    const width = Number(area.getAttribute('width'));
    // 14:45 in an hour from 14:00 to 15:00: three quarters of the way.
    fireEvent.pointerMove(area, { clientX: left + width * 0.75 });
    const tip = within(figure).getByRole('tooltip');
    expect(tip.textContent).toBe('14:45:00 UTCRollback rate 37%');
    // The failed scrape at 14:50.
    fireEvent.pointerMove(area, { clientX: left + width * (50 / 60) + 0.2 });
    expect(within(figure).getByRole('tooltip').textContent).toMatch(/^14:50:0\d UTCno data: scrape failed \(up 0\)$/);
    fireEvent.pointerLeave(area);
    expect(within(figure).queryByRole('tooltip')).toBeNull();
  });

  it('breaks the line at a failed scrape instead of drawing across it', async () => {
    render(<ChartsPanel view={view(served.samples as SeriesSample[])} />);
    fireEvent.click(screen.getByRole('radio', { name: '1 h' }));
    const figure = chart('Rollback rate');
    await within(figure).findAllByText(/scrape failed/);
    const path = figure.querySelector('.chart-line')!.getAttribute('d')!;
    expect(path.match(/M/g)).toHaveLength(2);
    expect(figure.querySelectorAll('.chart-gap')).toHaveLength(1);
  });

  it('picks the time range: 15 minutes, an hour, the whole drill', async () => {
    render(<ChartsPanel view={view(served.samples as SeriesSample[])} />);
    await screen.findByRole('img', { name: /^Rollback rate from 14:45 to 15:00 UTC/ });
    expect(screen.getByRole('radio', { name: '15 m' }).getAttribute('aria-checked')).toBe('true');
    fireEvent.click(screen.getByRole('radio', { name: '1 h' }));
    expect(screen.getByRole('img', { name: /^Rollback rate from 14:00 to 15:00 UTC/ })).toBeTruthy();
    fireEvent.click(screen.getByRole('radio', { name: 'Whole drill' }));
    expect(screen.getByRole('img', { name: /^Rollback rate from 13:00 to 15:00 UTC/ })).toBeTruthy();
    expect(screen.getByRole('radio', { name: 'Whole drill' }).getAttribute('aria-checked')).toBe('true');
  });

  it('gives the stake axis room for its longest label and hugs the value', async () => {
    render(<ChartsPanel view={view(served.samples as SeriesSample[])} />);
    const figure = chart('Stake \\(tokens\\)');
    await within(figure).findByText(/^Stake \(tokens\):/);
    // The series loads after the first render (which has only the view's newest sample): wait for its axis.
    await waitFor(() => {
      const loaded = [...figure.querySelectorAll('.chart-value-label')];
      expect(loaded.length).toBeGreaterThan(0);
      for (const label of loaded) expect(label.textContent).toMatch(/M$/);
    });
    const labels = [...figure.querySelectorAll('.chart-value-label')];
    const area = within(figure).getByTestId('chart-hover-area');
    for (const label of labels) {
      expect(label.textContent).toMatch(/M$/);
      // Right-aligned 6 px left of the plot, with room for its characters before the SVG's edge.
      expect(Number(label.getAttribute('x')) - (label.textContent ?? '').length * 7).toBeGreaterThanOrEqual(0);
      expect(Number(label.getAttribute('x'))).toBeLessThan(Number(area.getAttribute('x')));
    }
  });

  it('with a single sample (a drill just started), each range is a window of minutes around it, not a span of years', async () => {
    served.samples = [values(0)];
    render(<ChartsPanel view={view(served.samples as SeriesSample[])} />);
    await screen.findByText(/^Rollback rate:/);
    for (const [range, from] of [
      ['15 m', '12:45'],
      ['1 h', '12:00'],
      ['Whole drill', '12:59'],
    ] as const) {
      fireEvent.click(screen.getByRole('radio', { name: range }));
      const figure = chart('Rollback rate');
      expect(figure.querySelector('svg')!.getAttribute('aria-label')).toMatch(new RegExp(`^Rollback rate from ${from} to 13:00 UTC, now 5%$`));
      const labels = [...figure.querySelectorAll('.chart-time-label')].map((label) => label.textContent);
      expect(labels.length, range).toBeGreaterThan(0);
      for (const label of labels) expect(label, range).toMatch(/^(12|13):\d\d(:\d\d)?$/);
      // The one sample is drawn at the right edge, inside the plot.
      const path = figure.querySelector('.chart-line')!.getAttribute('d')!;
      expect(path, range).toMatch(/^M[\d.]+ [\d.]+$/);
    }
  });

  it('loads the whole series when the first push comes minutes in, after a first load that found nothing', async () => {
    // The page opened at the drill's start (no sample yet); the facilitator moved the clock three minutes before the first push.
    served.first = [];
    served.samples = twoHours().filter((sample) => sample.simMs <= 3 * 60_000);
    render(<ChartsPanel view={view(served.samples as SeriesSample[])} />);
    fireEvent.click(screen.getByRole('radio', { name: 'Whole drill' }));
    expect(await screen.findByRole('img', { name: /^Rollback rate from 13:00 to 13:03 UTC/ })).toBeTruthy();
    // Every sample from the start is drawn: one line, a point every five seconds.
    await vi.waitFor(() => expect((chart('Rollback rate').querySelector('.chart-line')?.getAttribute('d') ?? '').match(/[ML]/g)).toHaveLength(37));
  });
});
