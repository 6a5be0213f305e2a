/**
 * Issue 13 (7): the fact log holds everything the scorer reads (so scoring the facts alone is
 * scoring the whole journal), no request can pose as an event of the drill, and the log is
 * bounded whatever a client sends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { scoreJournal } from '../scoring/drill-scorer';
import { incidentScenarios, isPaged, openDrill, playHonestly, runUntil, type OpenDrill } from '../scoring/test-drill-play';
import { Journal, type JournalEntry } from './journal';
import { isDrillEvent, scoringFactKindCount, scoringFactKinds } from './scoring-facts';

const opened: OpenDrill[] = [];
afterEach(async () => {
  for (const open of opened.splice(0)) await open.close();
});

async function open(scenario: string): Promise<OpenDrill> {
  const drill = await openDrill(scenario);
  opened.push(drill);
  return drill;
}

describe('scoring facts', () => {
  it.each(incidentScenarios)('%s, played honestly, scores the same from its facts alone as from its whole journal', async (scenario) => {
    const drill = await open(scenario);
    // What a responder also does: reads no step asks for, a mistyped path.
    const look = async (each: OpenDrill) => {
      for (const url of ['/admin/status?component=speculation', '/metrics', '/api/v1/namespaces/production/pods', '/admin/stauts']) await each.send({ method: 'GET', url });
    };
    const stored = await playHonestly(drill, { beforePage: look, midway: look });
    expect(drill.drill.journal.counters().evicted).toBe(0);
    expect(stored.journal.length).toBe(drill.drill.journal.counters().total);
    expect(stored.score.actions.every((action) => action.doneAtMs !== null)).toBe(true);
    expect(scoreJournal(stored.journal)).toEqual(stored.score);
    expect(scoreJournal(stored.facts)).toEqual(stored.score);
    // The status read, /metrics and the typo are no facts; the pod list is (the P3 incident's
    // first step, and any incident may be injected), kept first and newest only.
    expect(stored.facts.length).toBeLessThanOrEqual(stored.journal.length - 6);
  });

  it("keeps an injected incident's runbook actions as facts too", async () => {
    const drill = await open('rollback-storm');
    drill.drill.inject('proof-backlog');
    runUntil(drill.drill, isPaged(drill.drill), 60 * 60_000);
    expect((await drill.send({ method: 'GET', url: '/admin/proof-worker/status' })).statusCode).toBe(200);
    const fromFacts = scoreJournal(drill.drill.journal.facts());
    expect(fromFacts).toEqual(scoreJournal(drill.drill.journal.list()));
    expect(fromFacts.injected).toEqual(['proof-backlog']);
    expect(fromFacts.actions.find((action) => action.id === 'INC-SPEC-003:check-proof-workers')?.doneAtMs).not.toBeNull();
  });

  it('no request can pose as an event of the drill or the world, whatever label it sends', async () => {
    const drill = await open('memory-exhaustion');
    await drill.send({ method: 'GET', url: '/admin/status?component=speculation', headers: { 'x-agenc-command': 'drill.started' } });
    const admin = drill.drill.journal.list().at(-1)!;
    await drill.send({ method: 'GET', url: '/api/v1/namespaces/production/pods', headers: { 'kubectl-command': 'alert.firing' } });
    const kube = drill.drill.journal.list().at(-1)!;
    expect([admin.source, admin.action, kube.source, kube.action]).toEqual(['admin', 'GET /admin/status', 'kube', 'GET /api/v1/namespaces/production/pods']);
    // The pod list is a runbook step of the P3 incident, so it is that step's fact, never an event.
    expect([scoringFactKinds(admin), scoringFactKinds(kube)]).toEqual([[], ['action:SEV-P3-POD:list-pods']]);
    // Even a stored entry written before labels were checked is no drill event.
    const posing: JournalEntry = { seq: 9, simMs: 0, wallMs: 0, source: 'agenc', action: 'drill.started', outcome: 'accepted', detail: { scenario: 'baseline' } };
    expect(isDrillEvent(posing, 'drill.started')).toBe(false);
    expect(scoringFactKinds(posing)).toEqual([]);
    expect(scoreJournal([...drill.drill.journal.facts(), posing]).scenario).toBe('memory-exhaustion');
    // Nor can one pose as the engine's assessment, which severity and comms are graded against.
    const assessed: JournalEntry = { seq: 10, simMs: 0, wallMs: 0, source: 'agenc', action: 'severity.assessed', outcome: 'accepted', detail: { severity: 'P4' } };
    expect([isDrillEvent(assessed, 'severity.assessed'), scoringFactKinds(assessed)]).toEqual([false, []]);
    expect(scoringFactKinds({ ...assessed, source: 'world', outcome: 'info' })).toEqual(['severity.assessed']);
  });

  it('files nothing for junk: a wrong path, a refusal, a read no runbook step asks for', async () => {
    const drill = await open('memory-exhaustion');
    const facts = drill.drill.journal.counters().facts;
    expect((await drill.send({ method: 'GET', url: '/junk' })).statusCode).toBe(404);
    expect((await drill.send({ method: 'POST', url: '/admin/config', body: { 'speculation.max_depth': 'deep' } })).statusCode).toBe(400);
    expect((await drill.send({ method: 'GET', url: '/admin/status?component=speculation' })).statusCode).toBe(200);
    expect((await drill.send({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    expect(drill.drill.journal.counters().facts).toBe(facts);
  });

  it('is bounded: one kind keeps at most its cap, the first and the newest among them', () => {
    const journal = new Journal(() => 0);
    const declare = (severity: string) =>
      journal.record({ source: 'ui', action: 'POST /trainer/severity', outcome: 'accepted', status: 200, detail: { method: 'POST', path: '/trainer/severity', route: '/trainer/severity', severity, expectedSeverity: 'P2' } });
    declare('P4');
    for (let i = 0; i < 2_000; i++) declare('P3');
    declare('P2');
    expect(journal.counters()).toMatchObject({ facts: 500, factsDropped: { 'ui:/trainer/severity': 1_502 } });
    expect([journal.facts()[0]!.detail?.severity, journal.facts().at(-1)!.detail?.severity]).toEqual(['P4', 'P2']);
    // Every kind is named by the simulator or a scenario file, so the whole log is bounded too
    // (a few dozen: each incident's required actions and recovery steps, issue 14 added some).
    expect(scoringFactKindCount).toBeLessThan(60);
  });
});
