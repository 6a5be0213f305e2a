import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TraineeView } from '@gameday/simulator';
import { CommsPanel } from './comms-panel';
import { fillTemplate, commsTemplateTexts, type TemplateFacts } from './comms-templates';

const trainee = (posts: TraineeView['trainee']['posts'] = []): TraineeView['trainee'] => ({
  answeredPage: null,
  severity: null,
  severityChanges: 0,
  bridgeJoinedAt: null,
  bridgeLines: [],
  posts,
  escalations: [],
  mitigatedAt: null,
  resolvedAt: null,
});
const actions = { joinBridge: () => undefined, post: async () => undefined, say: async () => undefined, escalate: () => undefined };

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
      '10:10:00 you: [P2] Speculation Incident Update\nStatus: Mitigating',
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

const facts: TemplateFacts = {
  name: 'Ada',
  severity: 'P2',
  bridgeUrl: 'https://meet.agenc.io/speculation-incident',
  summary: 'Cascading rollback storm',
  pagedAt: '2026-11-28T10:02:00.000Z',
  now: '2026-11-28T10:14:30.000Z',
  updateEveryMinutes: 15,
};
const templateText = (id: string) => commsTemplateTexts.find((template) => template.id === id)!.text;

describe('comms templates filled with what the drill knows (issue 16 item 7)', () => {
  it('fills the severity, name, bridge link, description, start, duration and cadence, and leaves the rest to the responder', () => {
    const initial = fillTemplate(templateText('initial-alert'), facts);
    expect(initial).toContain('🚨 [P2] Speculation Incident - Cascading rollback storm');
    expect(initial).toContain('**Incident Lead:** @Ada');
    expect(initial).toContain('**Bridge:** https://meet.agenc.io/speculation-incident');
    expect(initial).toContain('{Brief impact statement}');
    const update = fillTemplate(templateText('update'), facts);
    expect(update).toContain('**Duration:** 12 minutes');
    expect(update).toContain('Next update in 15 minutes.');
    // A minute in, a minute (not "1 minutes").
    expect(fillTemplate(templateText('update'), { ...facts, now: new Date(Date.parse(facts.pagedAt!) + 90_000).toISOString() })).toContain('**Duration:** 1 minute\n');
    const email = fillTemplate(templateText('escalation-email'), facts);
    expect(email).toContain('Subject: Escalation Required - P2 Speculation Incident');
    expect(email).toContain('- Started: 10:02 UTC');
    expect(email).toContain('**Bridge:** https://meet.agenc.io/speculation-incident\n**Ticket:** {Link}');
    expect(email).toMatch(/--Ada$/);
    expect(fillTemplate(templateText('customer-update'), facts)).toContain('Update as of 10:14 UTC:');
    // What is not known yet stays to be filled.
    expect(fillTemplate(templateText('initial-alert'), { ...facts, severity: null, pagedAt: null })).toContain('[P{X}]');
    expect(fillTemplate(templateText('update'), { ...facts, pagedAt: null })).toContain('**Duration:** {X} minutes');
  });

  it('pre-fills the box, shows the whole posted text, clears the box after posting and a stale error once the text changes', async () => {
    const posted: string[] = [];
    let refuse = true;
    const post = async (input: { text: string }) => {
      if (refuse) throw new Error("fill in the template's placeholders first: {Brief impact statement}");
      posted.push(input.text);
    };
    const { rerender } = render(<CommsPanel trainee={trainee()} facts={facts} actions={{ ...actions, post }} />);
    const box = screen.getByRole<HTMLTextAreaElement>('textbox');
    expect(box.value).toContain('[P2] Speculation Incident - Cascading rollback storm');
    fireEvent.click(screen.getByRole('button', { name: 'Post' }));
    await screen.findByText(/fill in the template's placeholders first/);
    fireEvent.change(box, { target: { value: '[P2] Storm\nImpact: 30% of tasks rolled back' } });
    expect(screen.queryByText(/fill in the template's placeholders first/)).toBeNull();
    refuse = false;
    fireEvent.click(screen.getByRole('button', { name: 'Post' }));
    await waitFor(() => expect(posted).toEqual(['[P2] Storm\nImpact: 30% of tasks rolled back']));
    await waitFor(() => expect(box.value).toBe(''));
    rerender(<CommsPanel trainee={trainee([{ channel: '#incidents', template: 'initial-alert', text: posted[0]!, simMs: 0, at: '2026-11-28T10:15:00.000Z' }])} facts={facts} actions={{ ...actions, post }} />);
    expect(within(screen.getByRole('list', { name: '#incidents' })).getByRole('listitem').textContent).toBe('10:15:00 you: [P2] Storm\nImpact: 30% of tasks rolled back');
    // The templates' bold labels show as bold, as a chat client shows them, not as asterisks.
    rerender(<CommsPanel trainee={trainee([{ channel: '#incidents', template: 'update', text: '🔄 [P2] Update\n\n**Status:** Mitigated\n<b>not markup</b>', simMs: 0, at: '2026-11-28T10:30:00.000Z' }])} facts={facts} actions={{ ...actions, post }} />);
    const line = within(screen.getByRole('list', { name: '#incidents' })).getByRole('listitem');
    expect(line.textContent).toBe('10:30:00 you: 🔄 [P2] Update\n\nStatus: Mitigated\n<b>not markup</b>');
    expect(within(line).getByText('Status:').tagName).toBe('STRONG');
    expect(line.querySelector('b')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Start again from the template' }));
    expect(box.value).toContain('**Incident Lead:** @Ada');
  });

  it('shows what people answered in their channel: the bridge, and acknowledgements in #incidents', () => {
    render(
      <CommsPanel
        trainee={trainee()}
        messages={[
          { at: '2026-11-28T10:12:00.000Z', channel: '#incidents', from: 'Priya Raman (platform lead)', text: "Ack, Ada, I'm with you." },
          { at: '2026-11-28T10:13:00.000Z', channel: 'bridge', from: 'Lee Chen (secondary on-call)', text: "Hi Ada, I'm on as secondary." },
        ]}
        actions={actions}
      />,
    );
    expect(within(screen.getByRole('list', { name: 'Incident bridge' })).getByRole('listitem').textContent).toBe("10:13:00 Lee Chen (secondary on-call): Hi Ada, I'm on as secondary.");
    expect(screen.getAllByRole('heading', { level: 3 }).map((heading) => heading.textContent)).toEqual(['#incidents', 'Incident bridge']);
  });

  it('speaks on the bridge once on it: the line shows in the bridge channel among the answers; a refusal shows beside the box', async () => {
    const said: string[] = [];
    let refuse: string | undefined = 'join the incident bridge first: only those on the bridge are heard there';
    const say = async (text: string) => {
      if (refuse) throw new Error(refuse);
      said.push(text);
    };
    const { rerender } = render(<CommsPanel trainee={trainee()} actions={{ ...actions, say }} />);
    // Not on the bridge: nothing to say there yet.
    expect(screen.queryByRole('form', { name: 'Say on the bridge' })).toBeNull();
    const joined = { ...trainee(), bridgeJoinedAt: '2026-11-28T10:10:00.000Z' };
    rerender(<CommsPanel trainee={joined} actions={{ ...actions, say }} />);
    const box = screen.getByRole<HTMLInputElement>('textbox', { name: 'What you say on the bridge' });
    const button = screen.getByRole<HTMLButtonElement>('button', { name: 'Say' });
    expect(button.disabled).toBe(true);
    fireEvent.change(box, { target: { value: '  Rollbacks at 50%; speculation off; fix next.  ' } });
    fireEvent.click(button);
    await waitFor(() => expect(screen.getByRole('form', { name: 'Say on the bridge' }).textContent).toContain('join the incident bridge first'));
    expect(box.value).toBe('  Rollbacks at 50%; speculation off; fix next.  ');
    refuse = undefined;
    fireEvent.click(button);
    await waitFor(() => expect(said).toEqual(['Rollbacks at 50%; speculation off; fix next.']));
    await waitFor(() => expect(box.value).toBe(''));
    expect(screen.getByRole('form', { name: 'Say on the bridge' }).textContent).not.toContain('join the incident bridge first');
    rerender(
      <CommsPanel
        trainee={{ ...joined, bridgeLines: [{ at: '2026-11-28T10:20:00.000Z', text: said[0]!, by: null }] }}
        messages={[
          { at: '2026-11-28T10:19:00.000Z', channel: 'bridge', from: 'Marcus Bell (VP Engineering)', text: 'Give me the two-line summary.' },
          { at: '2026-11-28T10:20:40.000Z', channel: 'bridge', from: 'Marcus Bell (VP Engineering)', text: "Thanks Ada, that's what I needed." },
        ]}
        actions={{ ...actions, say }}
      />,
    );
    expect(within(screen.getByRole('list', { name: 'Incident bridge' })).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      '10:19:00 Marcus Bell (VP Engineering): Give me the two-line summary.',
      '10:20:00 you: Rollbacks at 50%; speculation off; fix next.',
      "10:20:40 Marcus Bell (VP Engineering): Thanks Ada, that's what I needed.",
    ]);
  });
});
