/**
 * Issue 17, rewind and branch, in the built trainer UI in headless Chromium: finish a drill,
 * scrub its debrief's rewind back to a moment (the drill page's panels as they were then), branch
 * from there, play the branch on, and read the branch's debrief beside its origin. Screenshots
 * of the rewound moment and of the comparison are saved under test-results/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { DrillState } from '@gameday/simulator';
import { hasChromium, launchChromium } from './support/browser';
import { repoRoot, startSimulator, type ServedSimulator } from './support/served-simulator';

const artifacts = join(repoRoot, 'test-results');
const runIt = hasChromium || process.env.CI === 'true' ? it : it.skip;

let sim: ServedSimulator;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  sim = await startSimulator(['--clock', 'virtual', '--seed', '21']);
  if (!hasChromium) return;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
});
afterAll(async () => {
  await browser?.close();
  await sim.stop();
});

describe('rewind and branch in the browser', () => {
  runIt('finishes a drill, scrubs back, branches, and sees the branch beside its origin', async () => {
    await page.goto(`${sim.url}/#token=${encodeURIComponent(sim.adminToken)}`);
    await page.getByLabel('Your name').fill('Grace');
    await page.getByRole('button', { name: 'Practice Cascading rollback storm' }).click();
    await page.getByRole('region', { name: 'Pager' }).getByText('No page').waitFor();
    for (let minute = 0; minute < 40; minute++) {
      const state = await sim.control<DrillState>('POST', '/_sim/clock/advance', { ms: 60_000 });
      if (state.firingAlerts.length > 0) break;
    }
    const pager = page.getByRole('region', { name: 'Pager' });
    await pager.getByRole('button', { name: 'Acknowledge' }).click();
    await pager.getByText(/^Acknowledged at /).waitFor();
    await sim.control('POST', '/_sim/clock/advance', { ms: 5 * 60_000 });
    await page.getByRole('button', { name: 'Declare resolved' }).click();
    const rewind = page.getByRole('region', { name: 'Rewind' });
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
    await page.getByRole('button', { name: 'Declare resolved' }).waitFor();
    await expect.poll(async () => page.getByRole('region', { name: 'Rewind' }).count()).toBe(0);
    await sim.control('POST', '/_sim/clock/advance', { ms: 3 * 60_000 });
    await page.getByRole('button', { name: 'Declare resolved' }).click();
    const comparison = page.getByRole('region', { name: 'Branch and origin' });
    await comparison.waitFor({ timeout: 15_000 });
    expect(await comparison.textContent()).toMatch(/This branch beside its origin \(branched at T\+\d+m\d\ds from the start\)/);
    expect(await comparison.textContent()).toMatch(/The two first differ at T\+\d+m\d\ds: the origin did .+, this branch did /);
    expect(await comparison.textContent()).not.toMatch(/this branch did branched/);
    await comparison.scrollIntoViewIfNeeded();
    await comparison.screenshot({ path: join(artifacts, 'branch-comparison.png') });
    expect(consoleErrors).toEqual([]);
  });
});
