/**
 * Issue 16, item 4: the timeline reads like a commander's. One `kubectl get pods` typed in the
 * terminal is one entry (not its discovery and its call), a kubectl command from someone's own
 * shell is one entry, a refused line is in the journal but in neither the timeline nor the
 * debrief's path, and game-day entries name the person once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { adminAuth } from '../http/test-server';
import { startTestDrill, type TestDrill } from '../terminal/test-terminal';
import { traineeView } from './trainee-view';
import { commanderSteps } from './commander-timeline';
import type { JournalEntry } from '../journal/journal';

let t: TestDrill | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const type = (command: string) => t!.server.inject({ method: 'POST', url: '/trainer/terminal', remoteAddress: '127.0.0.1', headers: { ...adminAuth, 'content-type': 'application/json' }, payload: JSON.stringify({ command }) });
const noBwrap = { sandbox: null, reason: 'not needed here' } as const;

describe('the commander timeline', () => {
  it('shows one kubectl get pods typed in the terminal as one entry, though kubectl made several requests', async () => {
    t = await startTestDrill({ terminal: { sandbox: noBwrap } });
    const answer = await type('kubectl get pods -n production');
    expect(answer.json()).toMatchObject({ exitCode: 0 });
    const requests = t.drill.journal.list().filter((entry) => entry.source === 'kube');
    expect(requests.length).toBeGreaterThan(1);
    const timeline = traineeView(t.drill).timeline.filter((item) => item.who === 'you');
    expect(timeline).toEqual([expect.objectContaining({ what: '$ kubectl get pods -n production', by: null })]);
  });

  it("shows a kubectl command from a person's own shell as one entry, named by what it asked for", async () => {
    t = await startTestDrill({ terminal: { sandbox: noBwrap } });
    const result = await t.run('kubectl get deployments -n production', { sandbox: null });
    expect(result.exitCode).toBe(0);
    const timeline = traineeView(t.drill).timeline.filter((item) => item.who === 'you');
    expect(timeline).toEqual([expect.objectContaining({ what: 'kubectl get /apis/apps/v1/namespaces/production/deployments' })]);
  });

  it('keeps a refused line in the journal, out of the timeline', async () => {
    t = await startTestDrill({ terminal: { sandbox: noBwrap } });
    await type('rm -rf /');
    await type('agenc stake status');
    expect(t.drill.journal.list().some((entry) => entry.detail?.command === 'rm -rf /' && entry.detail.refused === true)).toBe(true);
    expect(traineeView(t.drill).timeline.map((item) => item.what)).toEqual(['$ agenc stake status']);
  });

  it('names a game-day person once, and the facilitator as the one who acted', () => {
    const entry = (seq: number, action: string, actor: string, detail: Record<string, unknown>): JournalEntry => ({ seq, simMs: seq * 1000, wallMs: 0, source: 'sim', action, outcome: 'info', actor, detail });
    const describe = (item: JournalEntry) => (item.action === 'participant.joined' ? `joined as ${String(item.detail?.role)}` : 'started the game-day');
    const steps = commanderSteps([entry(1, 'participant.joined', 'Bob', { name: 'Bob', role: 'incident-commander' }), entry(2, 'facilitator.start', 'facilitator', {})], describe);
    expect(steps.map((step) => `${step.entry.actor} ${step.what}`)).toEqual(['Bob joined as incident-commander', 'facilitator started the game-day']);
  });
});
