import { describe, expect, it } from 'vitest';
import { scenarios } from '@gameday/scenarios';
import { testWallClock } from '../../clock/test-wall-clock';
import { traineeView } from '../../drill/trainee-view';
import { adminAuth, facilitatorAuth, testTokens, useTestServer, worldFingerprint } from '../test-server';

const t = useTestServer({ scenario: 'rollback-storm', seed: 12, difficulty: 'easy' });

const post = (url: string, body?: unknown, headers: Record<string, string> = adminAuth) =>
  t.server.inject({ method: 'POST', url, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });

function page() {
  for (let i = 0; i < 3600 && t.drill.world.alerts.firing().length === 0; i++) t.drill.clock.advanceBy(1000);
}

describe('trainer actions', () => {
  it('lists the scenarios and the onboarding path, easy to hard', async () => {
    const body = (await t.server.inject({ method: 'GET', url: '/trainer/scenarios' })).json<{ scenarios: Array<{ id: string }>; onboarding: string[] }>();
    expect(body.scenarios.map((scenario) => scenario.id)).toContain('baseline');
    expect(body.onboarding).toEqual(['gateway-crashloop', 'memory-exhaustion', 'rollback-storm', 'proof-backlog', 'stake-slashing', 'state-corruption']);
  });

  it('refuses to acknowledge before anything pages, then acknowledges the page once', async () => {
    const before = worldFingerprint(t.drill);
    const early = await post('/trainer/acknowledge');
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ error: 'CONFLICT', message: 'no page to acknowledge: no alert is firing' });
    expect(worldFingerprint(t.drill)).toBe(before);
    page();
    // ?alert= names the alert the pager showed: a name that is no alert's is refused before the drill hears of it.
    const malformed = await post('/trainer/acknowledge?alert=rm%20-rf');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<{ message: string }>().message).toMatch(/alert/);
    const shown = traineeView(t.drill).page!.alert;
    const ack = await post(`/trainer/acknowledge?alert=${shown}`);
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ alert: shown });
    expect(traineeView(t.drill).page).toMatchObject({ acknowledgedAt: expect.any(String) as unknown, notifications: 1 });
    expect((await post('/trainer/acknowledge')).statusCode).toBe(409);
    expect(t.drill.journal.list().find((entry) => entry.source === 'ui' && entry.outcome === 'accepted')).toMatchObject({ action: 'POST /trainer/acknowledge', detail: { summary: expect.stringMatching(/^acknowledged /) as unknown } });
  });

  it("carries other teams' channel messages in the view, oldest first (issue 14)", () => {
    expect(traineeView(t.drill).messages).toEqual([]);
    t.drill.world.applyHappening({ kind: 'message', channel: '#platform-alerts', from: 'chain-infra', text: 'rpc node maintenance finished' });
    t.drill.clock.advanceBy(60_000);
    t.drill.world.applyHappening({ kind: 'message', channel: '#deploys', from: 'deploy-bot', text: 'proof-worker 1.8.2 rolled out' });
    expect(traineeView(t.drill).messages).toEqual([
      { at: t.drill.simDate(0).toISOString(), channel: '#platform-alerts', from: 'chain-infra', text: 'rpc node maintenance finished' },
      { at: t.drill.simDate(60_000).toISOString(), channel: '#deploys', from: 'deploy-bot', text: 'proof-worker 1.8.2 rolled out' },
    ]);
  });

  it('re-notifies an unacknowledged page every five simulated minutes', () => {
    page();
    // Whichever alert the pager shows (a critical one that fired later comes first), counted from its own firing.
    t.drill.clock.advanceBy(11 * 60_000);
    const view = traineeView(t.drill);
    expect(view.page?.acknowledgedAt).toBeNull();
    const ringingMs = Date.parse(view.clock.simTime) - Date.parse(view.page!.firedAt);
    expect(ringingMs).toBeGreaterThanOrEqual(5 * 60_000);
    expect(view.page?.notifications).toBe(1 + Math.floor(ringingMs / (5 * 60_000)));
  });

  it('records each severity declaration with the impact answers, and changes to it', async () => {
    expect((await post('/trainer/severity', { severity: 'P2', answers: { 'over-10-percent': true } })).statusCode).toBe(200);
    expect((await post('/trainer/severity', { severity: 'P1', answers: { 'over-10-percent': true, 'business-hours': true } })).statusCode).toBe(200);
    expect(traineeView(t.drill).trainee).toMatchObject({ severity: { severity: 'P1', answers: { 'business-hours': true } }, severityChanges: 2 });
    expect(t.drill.journal.list().filter((entry) => entry.source === 'ui').map((entry) => entry.detail?.summary)).toEqual(['declared P2', 'changed severity from P2 to P1']);
    const bad = await post('/trainer/severity', { severity: 'P0', answers: {} });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'severity', allowed: ['P1', 'P2', 'P3', 'P4'] });
    expect((await post('/trainer/severity', { severity: 'P3', answers: { 'weather-nice': true } })).statusCode).toBe(400);
    expect(t.drill.trainee.severities).toHaveLength(2);
  });

  it("refuses a comms post with the template's placeholders left in, and posts a filled one", async () => {
    const unfilled = await post('/trainer/comms', { channel: '#incidents', template: 'initial-alert', text: '[P{X}] Speculation Incident - {Short Description}' });
    expect(unfilled.statusCode).toBe(400);
    expect(unfilled.json<{ message: string }>().message).toContain('{X}, {Short Description}');
    expect(t.drill.trainee.posts).toHaveLength(0);
    expect((await post('/trainer/comms', { channel: '#incidents', template: 'initial-alert', text: '[P1] Speculation Incident - rollback storm' })).statusCode).toBe(200);
    expect(traineeView(t.drill).trainee.posts[0]).toMatchObject({ channel: '#incidents', template: 'initial-alert' });
  });

  it('joins the bridge and escalates once each', async () => {
    expect((await post('/trainer/bridge')).statusCode).toBe(200);
    expect((await post('/trainer/bridge')).statusCode).toBe(409);
    expect((await post('/trainer/escalations', { to: 'engineering-leadership' })).statusCode).toBe(200);
    expect((await post('/trainer/escalations', { to: 'engineering-leadership' })).statusCode).toBe(409);
    expect((await post('/trainer/escalations', { to: 'the-ceo' })).statusCode).toBe(400);
  });

  it('speaks on the bridge: what it says is shown in the bridge channel, and leadership, told of the P1, answers it', async () => {
    // Blank or too long is refused, naming the field; nothing changes.
    const before = worldFingerprint(t.drill);
    for (const body of [{ text: '   ' }, { text: 'x'.repeat(501) }, { text: 'hi', extra: 1 }]) {
      const refused = await post('/trainer/bridge/messages', body);
      expect(refused.statusCode).toBe(400);
      expect(refused.json<{ message: string }>().message).toMatch(/text|extra/);
    }
    expect(worldFingerprint(t.drill)).toBe(before);
    page();
    expect((await post('/trainer/severity', { severity: 'P1', answers: {} })).statusCode).toBe(200);
    expect((await post('/trainer/escalations', { to: 'engineering-leadership' })).statusCode).toBe(200);
    expect((await post('/trainer/bridge')).statusCode).toBe(200);
    // Leadership acknowledges, then joins the bridge and asks for the summary.
    t.drill.clock.advanceBy(10 * 60_000);
    const asked = traineeView(t.drill).messages.filter((message) => message.channel === 'bridge');
    expect(asked.map((message) => message.text)).toEqual(expect.arrayContaining([expect.stringContaining('Give me the two-line summary') as unknown]));
    const said = await post('/trainer/bridge/messages', { text: '  Rollbacks at 50% since 10:02; speculation disabled; re-enabling at depth 1 once the fix is out.  ' });
    expect(said.json()).toEqual({ lines: 1 });
    t.drill.clock.advanceBy(2 * 60_000);
    const view = traineeView(t.drill);
    expect(view.trainee.bridgeLines).toEqual([{ at: expect.any(String) as unknown, text: 'Rollbacks at 50% since 10:02; speculation disabled; re-enabling at depth 1 once the fix is out.', by: null }]);
    const answers = view.messages.filter((message) => message.channel === 'bridge' && message.at > view.trainee.bridgeLines[0]!.at);
    expect(answers.map((message) => message.from).sort()).toEqual(['Lee Chen (secondary on-call)', 'Marcus Bell (VP Engineering)']);
    expect(view.timeline.map((item) => item.what)).toContain('spoke on the incident bridge');
  });

  it('fast-forwards through quiet stretches, stopping when the pager goes off, and refuses while it rings', async () => {
    const skipped = await post('/trainer/fast-forward', { minutes: 30 });
    expect(skipped.statusCode).toBe(200);
    expect(t.drill.world.alerts.firing().length).toBeGreaterThan(0);
    const during = await post('/trainer/fast-forward', { minutes: 5 });
    expect(during.statusCode).toBe(409);
    expect(during.json<{ message: string }>().message).toMatch(/^the pager is ringing: acknowledge \w+ first; fast-forward is for waiting/);
  });

  it('gives hints on easy once paged, and an outcome once resolved is declared', async () => {
    expect(traineeView(t.drill).hints).toEqual([]);
    page();
    expect(traineeView(t.drill).hints[0]).toContain('INC-SPEC-001');
    expect((await post('/trainer/declare', { state: 'resolved' })).statusCode).toBe(200);
    const outcome = traineeView(t.drill).outcome;
    expect(outcome?.passed).toBe(false);
    expect(outcome?.reasons).toContain('runbook step not done: Disable speculation (curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d \'{"speculation.enabled": false}\')');
    expect((await post('/trainer/declare', { state: 'mitigated' })).statusCode).toBe(409);
  });

  it('starts a new drill from the lobby; a surprise does not name its scenario', async () => {
    const response = await post('/trainer/drills', { trainee: 'Ada', scenario: 'surprise', difficulty: 'hard' });
    expect(response.statusCode).toBe(200);
    const drill = t.slot.current;
    expect(drill).not.toBe(t.drill);
    expect(drill.trainee.name).toBe('Ada');
    // A surprise is any registered incident (the P3 pod incident's id is SEV-P3-POD, not INC-SPEC-…).
    expect(scenarios.filter((scenario) => scenario.id !== 'baseline').map((scenario) => scenario.spec?.incident)).toContain(drill.scenario.incident);
    const started = drill.journal.list().find((entry) => entry.source === 'ui');
    expect(started?.detail?.summary).toBe('started a surprise drill (hard) as Ada');
    expect(started?.detail).not.toHaveProperty('scenario');
    expect((await post('/trainer/drills', { trainee: '', scenario: 'baseline' })).statusCode).toBe(400);
    expect(t.slot.current).toBe(drill);
  });

  it('needs the admin token for every action', async () => {
    for (const url of ['/trainer/acknowledge', '/trainer/bridge', '/trainer/declare', '/trainer/drills']) expect((await post(url, {}, {})).statusCode).toBe(401);
  });
});

describe('trainer actions on the realtime clock (issue 16)', () => {
  it('after a fast-forward, stamps each action with the simulated moment it was made, not the page\'s (+0m00s)', async () => {
    const wall = testWallClock();
    await t.replace({ scenario: 'rollback-storm', seed: 12, difficulty: 'easy', clock: 'realtime', speed: 20, wallNow: wall.now });
    const skipped = await post('/trainer/fast-forward', { minutes: 30 });
    expect(skipped.statusCode).toBe(200);
    const pageMs = skipped.json<{ simMs: number }>().simMs;
    expect(t.drill.world.alerts.firing().length).toBeGreaterThan(0);
    // 3 wall seconds at ×20: the page is a simulated minute old when it is acknowledged.
    wall.pass(3000);
    const ack = await post('/trainer/acknowledge');
    expect(ack.json()).toMatchObject({ acknowledgedAtMs: pageMs + 60_000 });
    wall.pass(6000);
    expect((await post('/trainer/severity', { severity: 'P2', answers: {} })).statusCode).toBe(200);
    const view = traineeView(t.drill);
    expect(view.clock.simMs).toBe(pageMs + 180_000);
    expect(view.page?.acknowledgedAt).toBe(t.drill.simDate(pageMs + 60_000).toISOString());
    const mine = view.timeline.filter((item) => item.who === 'you').map((item) => [item.what, item.simMs - pageMs]);
    expect(mine).toEqual([
      ['fast-forwarded 30 min', 0],
      [expect.stringMatching(/^acknowledged /), 60_000],
      ['declared P2', 180_000],
    ]);
    const acknowledged = t.drill.journal.list().find((entry) => entry.action === 'POST /trainer/acknowledge');
    expect(acknowledged?.detail?.secondsSinceFired).toBe(60);
    wall.pass(3000);
    expect((await post('/trainer/declare', { state: 'resolved' })).statusCode).toBe(200);
    const debrief = (await t.server.inject({ method: 'GET', url: '/trainer/debrief', headers: adminAuth })).json<{ yourPath: Array<{ atMs: number; step: string }> }>();
    expect(debrief.yourPath.filter((step) => /^(acknowledged|declared)/.test(step.step)).map((step) => [step.step.split(' ')[0], step.atMs])).toEqual([
      ['acknowledged', 60_000],
      ['declared', 180_000],
      ['declared', 240_000],
    ]);
  });
});

describe('reads of a drill (issue 13)', () => {
  const get = (url: string, headers: Record<string, string> = {}) => t.server.inject({ method: 'GET', url, headers });

  async function finish(): Promise<string> {
    page();
    const declared = await post('/trainer/declare', { state: 'resolved' });
    expect(declared.statusCode).toBe(200);
    return declared.json<{ drillId: string }>().drillId;
  }

  it('answers the state, series, debrief, a finished drill and its post-mortem only with the admin token', async () => {
    const id = await finish();
    const reads = ['/trainer/state', '/trainer/series?since=-1', '/trainer/debrief', `/trainer/drills/${id}`, `/trainer/drills/${id}/postmortem.md`];
    for (const url of reads) {
      for (const headers of [{}, { authorization: 'Bearer not-the-token' }, facilitatorAuth]) {
        const refused = await get(url, headers);
        expect(refused.statusCode, `${url} ${JSON.stringify(headers)}`).toBe(401);
        expect(refused.json()).toMatchObject({ error: 'UNAUTHORIZED', field: 'Authorization' });
        // The refusal holds nothing of the drill.
        expect(refused.body).not.toContain(id);
        expect(refused.body).not.toContain('rollback');
      }
      expect((await get(url, adminAuth)).statusCode, url).toBe(200);
      expect((await get(`/as/${testTokens.admin}${url}`)).statusCode, url).toBe(200);
    }
    expect((await get(`/trainer/drills/${id}`, adminAuth)).json()).toMatchObject({ drillId: id, scenario: { id: 'rollback-storm' } });
  });

  it("shows the trainee's own actions as theirs in a solo drill's timeline, though the journal names the admin token", async () => {
    expect((await post('/trainer/severity', { severity: 'P2', answers: {} })).statusCode).toBe(200);
    expect(t.drill.journal.list().find((entry) => entry.action === 'POST /trainer/severity')?.actor).toBe('admin');
    expect(traineeView(t.drill).timeline.find((item) => item.what.includes('P2'))).toMatchObject({ who: 'you', by: null });
  });

  it('keeps open what holds no drill: the UI, the scenario list, the leaderboard, health and metrics', async () => {
    for (const url of ['/', '/trainer/scenarios', '/trainer/leaderboard', '/trainer/leaderboard?format=csv', '/healthz', '/metrics', '/docs/json']) expect((await get(url)).statusCode, url).toBe(200);
  });
});
