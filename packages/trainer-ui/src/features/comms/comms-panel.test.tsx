import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TraineeView } from '@gameday/simulator';
import { CommsPanel } from './comms-panel';

const trainee = (posts: TraineeView['trainee']['posts'] = []): TraineeView['trainee'] => ({
  severity: null,
  severityChanges: 0,
  bridgeJoinedAt: null,
  posts,
  escalations: [],
  mitigatedAt: null,
  resolvedAt: null,
});
const actions = { joinBridge: () => undefined, post: async () => undefined, escalate: () => undefined };

describe('CommsPanel channels (issue 14)', () => {
  it("shows other teams' messages in their channel, interleaved with the trainee's own posts by time", () => {
    const posts: TraineeView['trainee']['posts'] = [
      { channel: '#platform-alerts', template: 'update', text: '[P2] Speculation Incident Update\nStatus: Mitigating', simMs: 600_000, at: '2026-11-28T10:10:00.000Z' },
      { channel: '#incidents', template: 'initial-alert', text: '[P2] Speculation Incident Declared', simMs: 120_000, at: '2026-11-28T10:02:00.000Z' },
    ];
    const messages: TraineeView['messages'] = [
      { at: '2026-11-28T10:25:00.000Z', channel: '#platform-alerts', from: 'chain-infra', text: 'rpc-eu-2 is serving normally again' },
      { at: '2026-11-28T10:05:00.000Z', channel: '#platform-alerts', from: 'chain-infra', text: 'investigating elevated latency on rpc-eu-2' },
      { at: '2026-11-28T10:01:00.000Z', channel: '#deploys', from: 'deploy-bot', text: 'speculation-engine 2.14.4 rolled out to production' },
    ];
    render(<CommsPanel trainee={trainee(posts)} messages={messages} actions={actions} />);
    const alerts = within(screen.getByRole('list', { name: '#platform-alerts' }))
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(alerts).toEqual([
      '10:05:00 chain-infra: investigating elevated latency on rpc-eu-2',
      '10:10:00 you: [P2] Speculation Incident Update',
      '10:25:00 chain-infra: rpc-eu-2 is serving normally again',
    ]);
    expect(within(screen.getByRole('list', { name: '#incidents' })).getByRole('listitem').textContent).toBe('10:02:00 you: [P2] Speculation Incident Declared');
    expect(within(screen.getByRole('list', { name: '#deploys' })).getByRole('listitem').textContent).toBe('10:01:00 deploy-bot: speculation-engine 2.14.4 rolled out to production');
    expect(screen.getAllByRole('heading', { level: 3 }).map((heading) => heading.textContent)).toEqual(['#incidents', '#platform-alerts', '#deploys']);
  });

  it('shows a new message as soon as the view carries it, without a reload', () => {
    const { rerender } = render(<CommsPanel trainee={trainee()} messages={[]} actions={actions} />);
    expect(screen.queryByRole('list', { name: '#platform-alerts' })).toBeNull();
    rerender(<CommsPanel trainee={trainee()} messages={[{ at: '2026-11-28T10:30:00.000Z', channel: '#platform-alerts', from: 'oracle-team', text: 'price feed lag resolved' }]} actions={actions} />);
    expect(within(screen.getByRole('list', { name: '#platform-alerts' })).getByRole('listitem').textContent).toBe('10:30:00 oracle-team: price feed lag resolved');
  });
});
