import { afterEach, describe, expect, it } from 'vitest';
import { incidentPeople } from '@gameday/scenarios';
import type { ActionJournal } from './action-journal';
import { Drill } from './drill';
import { applyInput } from './drill-inputs';
import { escalate, joinBridge, postUpdate } from './trainee-actions';
import { traineeView } from './trainee-view';

const drills: Drill[] = [];
afterEach(() => {
  for (const drill of drills.splice(0)) drill.stop();
});

function drill(scenario: string, seed: number): Drill {
  const made = new Drill({ scenario, seed, clock: 'virtual', speed: 1, difficulty: 'normal', trainee: 'Ada' });
  drills.push(made);
  made.start();
  made.skipUntil(() => made.world.alerts.firing().length > 0, 60 * 60_000, 'test: wait for the page');
  return made;
}
const notes = (): ActionJournal => ({ detail: {}, noteHarm: () => undefined });
const people = Object.values(incidentPeople).map((person) => person.name);
const said = (made: Drill) => traineeView(made).messages.filter((message) => people.some((name) => message.from.startsWith(name)));

describe('people answer in the drill (issue 16 item 7)', () => {
  it('an escalation is acknowledged in #incidents within 2-4 simulated minutes, the same on a replay', () => {
    const run = () => {
      const made = drill('rollback-storm', 16);
      escalate(made, 'platform-lead', notes());
      expect(said(made)).toEqual([]);
      made.clock.advanceBy(4 * 60_000 + 1000);
      return said(made);
    };
    const first = run();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ channel: '#incidents', from: 'Priya Raman (platform lead)', text: expect.stringContaining('Ack, Ada') as unknown });
    expect(run()).toEqual(first);
  });

  it('the bridge answers, and finance asks for the exposure in stake slashing', () => {
    const made = drill('stake-slashing', 4);
    joinBridge(made, notes());
    escalate(made, 'finance', notes());
    made.clock.advanceBy(9 * 60_000);
    const messages = said(made);
    expect(messages.map((message) => message.channel).sort()).toEqual(['#incidents', 'bridge']);
    expect(messages.find((message) => message.channel === '#incidents')!.text).toContain("What's our exposure on the slashing");
  });

  it('in a game-day, the person escalated to answers whoever escalated, also when the drill is rebuilt from its inputs', () => {
    const live = drill('rollback-storm', 16);
    escalate(live, 'platform-lead', notes(), 'Bob');
    expect(live.trainee.escalations).toEqual([{ to: 'platform-lead', simMs: live.clock.now(), by: 'Bob' }]);
    const replayed = drill('rollback-storm', 16);
    applyInput(replayed, { kind: 'escalate', to: 'platform-lead', by: 'Bob' });
    for (const made of [live, replayed]) made.clock.advanceBy(4 * 60_000 + 1000);
    const [ack] = said(live);
    expect(ack!.text).toMatch(/^Ack, Bob, /);
    expect(ack!.text).not.toContain('Ada');
    expect(said(replayed)).toEqual(said(live));
  });

  it('counts "minutes after the page" from the incident\'s page, not from a platform warning that fired before it', () => {
    // A storm 40 minutes late: the log volume warning fires about 20 minutes in, the page later.
    const made = new Drill({ scenario: 'rollback-storm', seed: 1, clock: 'virtual', speed: 1, difficulty: 'normal', trainee: 'Ada', onsetDelayMs: 40 * 60_000 });
    drills.push(made);
    made.start();
    const pages = made.pageAlerts();
    made.skipUntil(() => made.world.alerts.firing().some((alert) => pages.includes(alert)), 120 * 60_000, 'test: wait for the page');
    const fired = made.journal.facts().filter((entry) => entry.action === 'alert.firing');
    expect(pages).not.toContain(String(fired[0]!.detail?.alert));
    const pagedAtMs = fired.find((entry) => pages.includes(String(entry.detail?.alert)))!.simMs;
    escalate(made, 'platform-lead', notes());
    made.clock.advanceBy(40 * 60_000);
    const nudge = said(made).find((message) => message.text.includes('no update posted yet'))!;
    const minutes = Number(/, (\d+) minutes after the page/.exec(nudge.text)![1]);
    expect(minutes).toBe(Math.floor((Date.parse(nudge.at) - made.simDate(pagedAtMs).getTime()) / 60_000));
  });

  it("takes a P2's update in #platform-alerts, where the runbook sends it, as an update: no nudge for #incidents", () => {
    const made = new Drill({ scenario: 'rollback-storm', seed: 3, clock: 'virtual', speed: 1, difficulty: 'normal', trainee: 'Ada' });
    drills.push(made);
    made.start();
    const pages = made.pageAlerts();
    made.skipUntil(() => made.world.alerts.firing().some((alert) => pages.includes(alert)), 120 * 60_000, 'test: wait for the page');
    escalate(made, 'platform-lead', notes());
    made.clock.advanceBy(5 * 60_000);
    postUpdate(made, { channel: '#platform-alerts', template: 'update', text: '[P2] Speculation Incident Update: rollbacks elevated, speculation disabled' }, notes());
    made.clock.advanceBy(14 * 60_000);
    expect(said(made).filter((message) => /no update posted yet|since the last update/.test(message.text))).toEqual([]);
    // A quarter of an hour and a minute after that update, the lead asks again.
    made.clock.advanceBy(3 * 60_000);
    expect(said(made).filter((message) => /since the last update/.test(message.text))).toHaveLength(1);
  });
});
