/**
 * Issue 15: the strategy ladder. Scripted responders (test-strategy-responders.ts) play every
 * incident on three seeds at normal difficulty and one at hard (the second causes), through the
 * app, as real requests, and each finished drill is scored
 * as a real one is: the outcome against its counterfactual runs, then the process. The bounds
 * are the issue's: the ideal path scores at least 90; a response that never restores the
 * service at most 70, one 40 minutes late at most 60, a lazy one 40, a harmful one 35, none 20;
 * a wrong severity costs the severity dimension and nothing else. `GAMEDAY_LADDER_TABLE=1`
 * writes the scores into BENCHMARKS.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { stakeSlashingVariant, type Difficulty } from '@gameday/scenarios';
import { afterAll, describe, expect, it } from 'vitest';
import { scoreJournal, type DrillScore } from './drill-scorer';
import { incidentsWithIdealPath } from './ideal-responders';
import { scoringWeights } from './scoring-weights';
import { openDrill } from './test-drill-play';
import { playStrategy, strategies, type StrategyName } from './test-strategy-responders';

interface LadderCase {
  seed: number;
  difficulty: Difficulty;
}
/**
 * Three seeds at normal and one at hard, where every incident has its second cause. Stake
 * slashing's normal 11 and 12 and hard 7 are its penalty variant, normal 13 its bug; hard 11
 * adds the bug with the raised clock-skew tolerance.
 */
const cases: LadderCase[] = [
  { seed: 11, difficulty: 'normal' },
  { seed: 12, difficulty: 'normal' },
  { seed: 13, difficulty: 'normal' },
  { seed: 7, difficulty: 'hard' },
];
const extraCases: Record<string, LadderCase[]> = { 'stake-slashing': [{ seed: 11, difficulty: 'hard' }] };
const casesOf = (scenario: string) => [...cases, ...(extraCases[scenario] ?? [])];
const caseName = (ladderCase: LadderCase) => (ladderCase.difficulty === 'normal' ? String(ladderCase.seed) : `${ladderCase.difficulty} ${ladderCase.seed}`);
const incidents = (process.env.LADDER_INCIDENTS?.split(',') ?? incidentsWithIdealPath);
const names = Object.keys(strategies) as StrategyName[];
const bounds: Partial<Record<StrategyName, { atLeast?: number; atMost?: number }>> = {
  ideal: { atLeast: 90 },
  'never restores': { atMost: 70 },
  'late by 40 min': { atMost: 60 },
  lazy: { atMost: 40 },
  harmful: { atMost: 35 },
  'no-op': { atMost: 20 },
};

const scores = new Map<string, DrillScore>();
const key = (scenario: string, ladderCase: LadderCase, name: StrategyName) => `${scenario}/${caseName(ladderCase)}/${name}`;

async function play(scenario: string, ladderCase: LadderCase, name: StrategyName): Promise<DrillScore> {
  const open = await openDrill(scenario, ladderCase.seed, ladderCase.difficulty);
  try {
    const finished = await playStrategy(open, strategies[name](scenario));
    scores.set(key(scenario, ladderCase, name), finished.score);
    return finished.score;
  } finally {
    await open.close();
  }
}

it("stake-slashing's ladder cases hold its penalty variant, at normal and at hard, and its bug", () => {
  const kinds = casesOf('stake-slashing').map(({ seed, difficulty }) => `${difficulty} ${stakeSlashingVariant({ seed, difficulty, onsetDelayMs: 0 }).kind}`);
  expect(kinds).toEqual(expect.arrayContaining(['normal penalty', 'hard penalty', 'normal bug', 'hard bug']));
});

describe.each(incidents)('%s', (scenario) => {
  it.each(casesOf(scenario).map((ladderCase) => ({ ...ladderCase, name: caseName(ladderCase) })))('seed $name: every strategy lands within its bounds', async (ladderCase) => {
    const got: Partial<Record<StrategyName, DrillScore>> = {};
    for (const name of names) got[name] = await play(scenario, ladderCase, name);
    const outcome = (score: DrillScore) => (score.outcome ? `${score.outcome.share}: ${score.outcome.yours} of ${score.outcome.noResponder}, ideal ${score.outcome.ideal}, to minute ${score.outcome.horizonMs / 60_000}` : '-');
    const summary = names.map((name) => `${name} ${got[name]!.total} (${outcome(got[name]!)})`).join('; ');
    for (const [name, bound] of Object.entries(bounds) as Array<[StrategyName, { atLeast?: number; atMost?: number }]>) {
      if (bound.atLeast !== undefined) expect(got[name]!.total, `${name}: ${summary}`).toBeGreaterThanOrEqual(bound.atLeast);
      if (bound.atMost !== undefined) expect(got[name]!.total, `${name}: ${summary}`).toBeLessThanOrEqual(bound.atMost);
    }
    // Wrong severity: the ideal path with the severity two levels off loses that dimension and nothing more.
    const ideal = got.ideal!;
    const wrong = got['wrong severity']!;
    expect(wrong.total, summary).toBeLessThan(ideal.total);
    expect(ideal.total - wrong.total, summary).toBeLessThanOrEqual(scoringWeights.severity.points + 0.2);
    for (const dimension of wrong.dimensions.filter((candidate) => candidate.id !== 'severity')) {
      expect(Math.abs(dimension.points - ideal.dimensions.find((candidate) => candidate.id === dimension.id)!.points), `${dimension.id}: ${summary}`).toBeLessThanOrEqual(0.2);
    }
    // The spammer runs everything, forbidden steps included: far below a careful response.
    expect(got['spams every command']!.total, summary).toBeLessThanOrEqual(ideal.total - 30);
    expect(got['late by 40 min']!.total, summary).toBeLessThanOrEqual(ideal.total - 30);
  }, 120_000);
});

it('re-scores a ladder drill from its facts to the same score', async () => {
  const open = await openDrill(incidents[0]!, 11);
  try {
    const finished = await playStrategy(open, strategies['never restores'](incidents[0]!));
    expect(scoreJournal(finished.facts)).toEqual(finished.score);
  } finally {
    await open.close();
  }
}, 60_000);

afterAll(() => {
  if (!process.env.GAMEDAY_LADDER_TABLE) return;
  const rows = names.map((name) => {
    const cells = incidents.map((scenario) => casesOf(scenario).map((ladderCase) => scores.get(key(scenario, ladderCase, name))?.total ?? '–').join(' / '));
    return `| ${name} | ${cells.join(' | ')} |`;
  });
  const table = [`| strategy | ${incidents.join(' | ')} |`, `| --- | ${incidents.map(() => '---').join(' | ')} |`, ...rows].join('\n');
  const path = new URL('../../../../BENCHMARKS.md', import.meta.url);
  const text = readFileSync(path, 'utf8');
  const start = '<!-- ladder:start -->';
  const end = '<!-- ladder:end -->';
  if (text.includes(start)) writeFileSync(path, `${text.slice(0, text.indexOf(start) + start.length)}\n${table}\n${text.slice(text.indexOf(end))}`);
  console.log(table);
});
