/**
 * Issue 17, rewind and branch, in the built trainer UI in headless Chromium: finish a drill,
 * scrub its debrief's rewind back to a moment (the drill page's panels as they were then), branch
 * from there, play the branch on, and read the branch's debrief beside its origin. Screenshots
 * of the rewound moment and of the comparison are saved under test-results/.
 */
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { DrillState } from '@gameday/simulator';
import { answerThePager, artifacts, declareResolved, runInBrowser, trainerPage } from './support/browser';

const ui = trainerPage();

describe('rewind and branch in the browser', () => {
  runInBrowser('finishes a drill, scrubs back, branches, and sees the branch beside its origin', async () => {
    await ui.page.goto(`${ui.sim.url}/#token=${encodeURIComponent(ui.sim.adminToken)}`);
    await ui.page.getByLabel('Your name').fill('Grace');
    await ui.page.getByRole('button', { name: 'Practice Cascading rollback storm' }).click();
    await ui.page.getByRole('region', { name: 'Pager' }).getByText('No page').waitFor();
    for (let minute = 0; minute < 40; minute++) {
      const state = await ui.sim.control<DrillState>('POST', '/_sim/clock/advance', { ms: 60_000 });
      if (state.paging.length > 0) break;
    }
    await answerThePager(ui.page.getByRole('region', { name: 'Pager' }));
    await ui.sim.control('POST', '/_sim/clock/advance', { ms: 5 * 60_000 });
    await declareResolved(ui.page);
    const rewind = ui.page.getByRole('region', { name: 'Rewind' });
    await rewind.waitFor();

    // Scrub back to two minutes after the page: the pager is ringing again, not yet acknowledged.
    const slider = rewind.getByLabel('Moment of the drill');
    const max = Number(await slider.getAttribute('max'));
    const moment = max - 5 * 60_000 - 60_000;
    await slider.fill(String(moment));
    const rewound = rewind.getByLabel('The drill at this moment (read-only)');
    await expect.poll(async () => rewind.locator('output').textContent(), { timeout: 15_000 }).toMatch(/^T\+\d+m\d\ds of T\+\d+m\d\ds · \d\d:\d\d:\d\d UTC$/);
    await expect.poll(async () => (await rewound.getByRole('region', { name: 'Pager' }).textContent()) ?? '', { timeout: 15_000 }).not.toMatch(/Acknowledged at/);
    await expect.poll(async () => rewound.getByRole('region', { name: 'Timeline' }).locator('li').count()).toBeGreaterThan(0);
    await rewind.scrollIntoViewIfNeeded();
    await rewind.screenshot({ path: join(artifacts, 'rewind.png') });

    // Branch from here, and play it another way: this time the trainee waits before acknowledging.
    await rewind.getByRole('button', { name: 'Branch from here' }).click();
    await ui.page.getByRole('button', { name: 'Declare resolved' }).waitFor();
    await expect.poll(async () => ui.page.getByRole('region', { name: 'Rewind' }).count()).toBe(0);
    await ui.sim.control('POST', '/_sim/clock/advance', { ms: 3 * 60_000 });
    await declareResolved(ui.page);
    const comparison = ui.page.getByRole('region', { name: 'Branch and origin' });
    await comparison.waitFor({ timeout: 15_000 });
    expect(await comparison.textContent()).toMatch(/This branch beside its origin \(branched at T\+\d+m\d\ds from the start\)/);
    expect(await comparison.textContent()).toMatch(/The two first differ at T\+\d+m\d\ds: the origin did .+, this branch did /);
    expect(await comparison.textContent()).not.toMatch(/this branch did branched/);
    await comparison.scrollIntoViewIfNeeded();
    await comparison.screenshot({ path: join(artifacts, 'branch-comparison.png') });
    expect(ui.consoleErrors).toEqual([]);
  });
});
