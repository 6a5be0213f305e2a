/**
 * Issue 17, racing a ghost, in the built trainer UI in headless Chromium: a ranked drill played
 * to its end over HTTP is the ghost; the lobby offers to race it; as the clock moves (the drill
 * bar's fast-forward, then the facilitator's clock) the ghost's steps appear on the timeline at
 * the moments it took them and its score so far changes beside it; the race is resolved and the
 * debrief puts the two paths side by side. Screenshots of the race and of the comparison are
 * saved under test-results/.
 */
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { DrillState } from '@gameday/simulator';
import { answerThePager, artifacts, declareResolved, runInBrowser, trainerPage } from './support/browser';
import { adminCall, immediateActions, playRankedRun, trainer } from './support/trainer-calls';

const ui = trainerPage();

describe('racing a ghost in the browser', () => {
  runInBrowser("races a ranked run's ghost: its steps and score so far as the clock moves, then the two paths side by side", async () => {
    // A ghost that scored: its score so far has somewhere to go (at most 4 runs; the best is raced).
    let ghost = await playRankedRun(ui.sim, 'Ada');
    for (let run = 1; run < 4 && ghost.score === 0; run++) ghost = await playRankedRun(ui.sim, 'Ada');
    expect(ghost.score).toBeGreaterThan(0);
    const found = await trainer(ui.sim, 'GET', `/trainer/ghost?scenario=${ghost.scenario}&difficulty=normal`);
    expect(found.body).toMatchObject({ ghost: { drillId: ghost.drillId, trainee: 'Ada' } });
    const ghostScore = (found.body.ghost as { score: number }).score;
    const { durationMs } = (await trainer(ui.sim, 'GET', `/trainer/drills/${ghost.drillId}`)).body as { durationMs: number };
    const scenarios = (await trainer(ui.sim, 'GET', '/trainer/scenarios')).body.scenarios as Array<{ id: string; title: string }>;
    const title = scenarios.find((scenario) => scenario.id === ghost.scenario)!.title;

    await ui.page.goto(`${ui.sim.url}/#token=${encodeURIComponent(ui.sim.adminToken)}`);
    await ui.page.getByLabel('Your name').fill('Grace');
    const raceButton = ui.page.getByRole('button', { name: `Race the ghost on ${title}` });
    await raceButton.waitFor();
    expect(await raceButton.textContent()).toBe(`Race the ghost (Ada, ${ghostScore})`);
    await raceButton.click();
    const race = ui.page.getByRole('region', { name: 'Race' });
    await race.waitFor();
    expect(await race.textContent()).toContain(`Racing Ada's best run (final score ${ghostScore})`);
    const soFar = race.getByLabel('Score so far');
    const besideSteps = ui.page.getByLabel("Race score so far, beside the ghost's steps");
    const timeline = ui.page.getByRole('region', { name: 'Timeline' });
    const ghostSteps = timeline.locator('li.ghost');

    // The drill bar's fast-forward through the quiet stretch before the ui.page.
    await ui.page.getByRole('button', { name: 'Fast-forward 5 min' }).click();
    await expect.poll(async () => (await ui.sim.control<DrillState>('GET', '/_sim/state')).clock.simMs, { timeout: 10_000 }).toBeGreaterThan(0);

    // Then the clock a minute at a time: the page waits to show each minute before the next.
    const seen: Array<{ minute: number; ghost: string; steps: number }> = [];
    let acknowledged = false;
    let acted = false;
    const lastMinute = Math.ceil(durationMs / 60_000) + 1;
    for (let step = 0; step < 130; step++) {
      const state = await ui.sim.control<DrillState>('GET', '/_sim/state');
      const minute = Math.floor(state.clock.simMs / 60_000);
      if (minute > lastMinute) break;
      await expect.poll(async () => soFar.textContent(), { timeout: 10_000 }).toContain(`had each stopped at ${minute} min:`);
      const line = (await soFar.textContent()) ?? '';
      // The timeline, where the ghost's steps are, says the same.
      expect(await besideSteps.textContent()).toBe(line);
      seen.push({ minute, ghost: /ghost (\S+) ·/.exec(line)?.[1] ?? '', steps: await ghostSteps.count() });
      if (step === 3) await race.screenshot({ path: join(artifacts, 'ghost-race-banner.png') });
      // Racing, the trainee answers the page and takes the runbook's first action, later than the ghost did.
      if (!acknowledged && state.paging.length > 0) {
        await answerThePager(ui.page.getByRole('region', { name: 'Pager' }));
        acknowledged = true;
      } else if (acknowledged && !acted) {
        const [method, path, body] = immediateActions[ghost.scenario]![0]!;
        expect(await adminCall(ui.sim, method, path, body)).toBeLessThan(300);
        acted = true;
      }
      await ui.sim.control('POST', '/_sim/clock/advance', { ms: 60_000 });
    }
    process.stdout.write(`ghost race (${ghost.scenario}, ghost ${durationMs} ms, final ${ghostScore}): ${seen.map((one) => `${one.minute}m ${one.ghost} (${one.steps})`).join(', ')}\n`);
    // Its steps came as the clock moved, and its score so far changed, ending at its final score.
    expect(seen.at(-1)!.steps).toBeGreaterThan(seen[0]!.steps);
    expect(new Set(seen.map((one) => one.ghost)).size).toBeGreaterThan(1);
    expect(seen.at(-1)!.ghost).toBe(String(ghostScore));
    expect(await ghostSteps.first().textContent()).toMatch(/ghost · Ada/);
    // The ghost's own drill start is not one of its steps here: the race has its own.
    expect(await timeline.textContent()).not.toMatch(/started a surprise drill/);
    await ui.page.getByRole('region', { name: 'Timeline' }).scrollIntoViewIfNeeded();
    await ui.page.screenshot({ path: join(artifacts, 'ghost-race.png'), fullPage: false });

    await declareResolved(ui.page);
    const comparison = ui.page.getByRole('region', { name: 'You and the ghost' });
    await comparison.waitFor({ timeout: 20_000 });
    expect(await comparison.textContent()).toMatch(new RegExp(`You \\(\\d+(\\.\\d)?\\) beside the ghost, Ada's best run \\(${ghostScore}\\)`));
    expect(await comparison.getByRole('list', { name: 'Your path' }).locator('li').count()).toBeGreaterThan(0);
    const ghostPath = comparison.getByRole('list', { name: "The ghost's path (Ada)" });
    expect(await ghostPath.locator('li').count()).toBeGreaterThan(0);
    // One zero for both paths (the race's ui.page): the ghost's first page is where the race's came, not at +0 of its own start.
    const yourPage = (await comparison.getByRole('list', { name: 'Your path' }).locator('li', { hasText: 'page:' }).first().textContent()) ?? '';
    const ghostPage = (await ghostPath.locator('li', { hasText: 'page:' }).first().textContent()) ?? '';
    expect(ghostPage).toBe(yourPage);
    await comparison.scrollIntoViewIfNeeded();
    await comparison.screenshot({ path: join(artifacts, 'ghost-comparison.png') });
    expect(ui.consoleErrors).toEqual([]);
    // Up to four ranked runs, then a minute of the race at a time as the page shows it (a second or so each).
  }, 240_000);
});
