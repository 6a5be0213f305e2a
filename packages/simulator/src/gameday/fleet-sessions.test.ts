import { afterEach, describe, expect, it } from 'vitest';
import { SqliteDrillStore } from '../storage/sqlite-drill-store';
import type { SessionRecord } from '../storage/drill-store';
import { FleetSessions } from './fleet-sessions';
import type { SessionSummary } from './session-reports';

const stores: SqliteDrillStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

const row = (code: string, more: Partial<SessionRecord> = {}): SessionRecord => ({ code, title: `Drill ${code}`, team: 'blue', scenario: 'rollback-storm', difficulty: 'normal', seed: 7, createdAt: '2026-12-01T13:00:00.000Z', startedAt: '2026-12-01T13:01:00.000Z', endedAt: null, drillId: null, ...more });
const summary = (code: string) => ({ code, title: `Drill ${code}`, status: 'running' }) as SessionSummary;

function fleet() {
  const store = new SqliteDrillStore(':memory:');
  stores.push(store);
  const asked: Array<{ url: string; authorization: string | null }> = [];
  const answers = new Map<string, (signal: AbortSignal | undefined) => Promise<Response>>();
  const fetcher = (async (url: string, init?: RequestInit) => {
    const address = new URL(url).origin;
    asked.push({ url, authorization: new Headers(init?.headers).get('authorization') });
    const answer = answers.get(address);
    if (!answer) throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    return answer(init?.signal ?? undefined);
  }) as typeof fetch;
  const sessions = new FleetSessions({ store, owner: 'a', facilitatorToken: 'fac-token', joinUrl: (code) => `http://public:9090/#join=${code}`, timeoutMs: 200, fetch: fetcher });
  return { store, asked, answers, sessions };
}

describe('FleetSessions', () => {
  it("lists its own sessions in full and asks each other live instance for its own, with the facilitator's token", async () => {
    const { store, asked, answers, sessions } = fleet();
    store.claimLease('instance:a', 'a', 'http://10.0.0.1:9090', 6000);
    store.claimLease('instance:b', 'b', 'http://10.0.0.2:9090', 6000);
    store.claimLease('instance:c', 'c', 'http://10.0.0.3:9090', 6000);
    answers.set('http://10.0.0.2:9090', async () => Response.json({ sessions: [summary('BBB222')], frozenAt: null }));
    answers.set('http://10.0.0.3:9090', async () => Response.json({ sessions: [summary('CCC333'), summary('AAA111')], frozenAt: null }));
    const listed = await sessions.list([summary('AAA111')]);
    expect(listed.sessions.map((session) => [session.code, session.instance, session.note])).toEqual([
      ['AAA111', 'a', undefined],
      ['BBB222', 'b', undefined],
      ['CCC333', 'c', undefined],
    ]);
    expect(asked.map((ask) => ask.url).sort()).toEqual(['http://10.0.0.2:9090/gameday/sessions?scope=instance', 'http://10.0.0.3:9090/gameday/sessions?scope=instance']);
    expect(asked.every((ask) => ask.authorization === 'Bearer fac-token')).toBe(true);
    expect(listed.instances).toEqual([
      { instance: 'b', address: 'http://10.0.0.2:9090', sessions: 1 },
      { instance: 'c', address: 'http://10.0.0.3:9090', sessions: 1 },
    ]);
  });

  it("lists the sessions of an instance that does not answer, or stopped, from their store rows, saying why", async () => {
    const { store, answers, sessions } = fleet();
    store.claimLease('instance:b', 'b', 'http://10.0.0.2:9090', 6000);
    store.claimLease('instance:c', 'c', 'http://10.0.0.3:9090', 6000);
    store.claimLease('instance:d', 'd', 'http://10.0.0.4:9090', 6000);
    // B hangs past the timeout; C refuses the connection; D answers 401 (another facilitator token).
    answers.set('http://10.0.0.2:9090', (signal) => new Promise<Response>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error))));
    answers.set('http://10.0.0.4:9090', async () => new Response('{}', { status: 401 }));
    for (const [code, owner] of [['BBB222', 'b'], ['CCC333', 'c'], ['DDD444', 'd']] as const) {
      store.saveSession(row(code));
      store.claimLease(`session:${code}`, owner, `http://10.0.0.9:91${code.charCodeAt(0)}`, 6000);
    }
    store.recordAttendance({ session: 'BBB222', title: 'Drill BBB222', team: 'blue', name: 'Ada', role: 'commander', joinedAt: '2026-12-01T13:02:00.000Z' });
    // E stopped: its live session's lease expired (being taken over), and one that had ended.
    store.saveSession(row('EEE555'));
    store.saveSession(row('EEE666', { endedAt: '2026-12-01T13:30:00.000Z' }));
    store.claimLease('session:EEE555', 'e', 'http://10.0.0.5:9101', 1);
    store.claimLease('session:EEE666', 'e', 'http://10.0.0.5:9102', 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    const listed = await sessions.list([]);
    // Asked at once: the whole list waits for one timeout, not one per instance.
    expect(Date.now() - started).toBeLessThan(1000);
    const byCode = new Map(listed.sessions.map((session) => [session.code, session]));
    expect([...byCode.keys()].sort()).toEqual(['BBB222', 'CCC333', 'DDD444', 'EEE555', 'EEE666']);
    expect(byCode.get('BBB222')).toMatchObject({ instance: 'b', status: 'running', title: 'Drill BBB222', joinUrl: 'http://public:9090/#join=BBB222', participants: [{ name: 'Ada', role: 'commander' }] });
    expect(byCode.get('BBB222')!.note).toBe('shown from the store: its instance b did not answer (no answer within 0.2 s)');
    expect(byCode.get('CCC333')!.note).toBe('shown from the store: its instance c did not answer (ECONNREFUSED)');
    expect(byCode.get('DDD444')!.note).toContain('HTTP 401: its facilitator token differs');
    expect(byCode.get('EEE555')!.note).toBe('shown from the store: its instance e stopped; another instance takes the session over within 10 s');
    expect(byCode.get('EEE666')).toMatchObject({ status: 'ended', note: 'shown from the store: its instance e stopped after the session ended' });
    expect(listed.instances.map((answer) => [answer.instance, answer.error !== undefined])).toEqual([
      ['b', true],
      ['c', true],
      ['d', true],
    ]);
  });
});
