/**
 * Issue 7: one game-day played by three people in three browser contexts: the facilitator
 * creates and runs it from the console, an incident commander and a primary on-call join by
 * code and play the same drill live. Screenshots of each go under test-results/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DrillState } from '@gameday/simulator';
import { answerThePager, declareResolved, hasChromium, launchChromium, watchLiveView } from './support/browser';
import { repoRoot, startSimulator, type ServedSimulator } from './support/served-simulator';

const artifacts = join(repoRoot, 'test-results');
const runIt = hasChromium || process.env.CI === 'true' ? it : it.skip;

let sim: ServedSimulator;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  sim = await startSimulator(['--seed', '21']);
  if (hasChromium) browser = await launchChromium();
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await sim.stop();
});

async function newPage(who: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (message) => {
    // A refused action is a 4xx the page shows; the browser also logs the failed fetch.
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) pageErrors.push(`${who}: ${message.text()}`);
  });
  page.on('pageerror', (error) => pageErrors.push(`${who}: ${String(error)}`));
  watchLiveView(page);
  return page;
}

async function joinAs(page: Page, joinUrl: string, name: string, role: RegExp, how: 'link' | 'code' = 'link') {
  if (how === 'link') await page.goto(joinUrl);
  else {
    // From the trainer's lobby, with the code the facilitator read out.
    await page.goto(new URL('/', joinUrl).href);
    const byCode = page.getByRole('form', { name: 'Join a game-day' });
    await byCode.getByLabel('Game-day code').fill(new URL(joinUrl).hash.slice('#join='.length).toLowerCase());
    await byCode.getByRole('button', { name: 'Join a game-day' }).click();
  }
  const form = page.getByRole('form', { name: 'Join' });
  await form.getByLabel('Your name').fill(name);
  await form.getByRole('radio', { name: role }).check();
  await form.getByRole('button', { name: 'Join' }).click();
  await page.getByRole('region', { name: 'Game-day' }).getByText(`you are ${name}`).waitFor();
}

describe('a game-day in three browsers', () => {
  runIt('facilitator, incident commander and on-call play one drill', { timeout: 120_000 }, async () => {
    const console = await newPage('facilitator');
    await console.goto(`${sim.url}/#facilitator=${encodeURIComponent(sim.facilitatorToken)}`);
    const create = console.getByRole('form', { name: 'New game-day' });
    await create.getByLabel('Title').fill('Failure Friday');
    await create.getByLabel('Team').fill('sre-blue');
    await create.getByLabel('Scenario').selectOption('rollback-storm');
    await create.getByLabel('Seed').fill('21');
    await create.getByRole('button', { name: 'Create' }).click();
    const card = console.getByRole('region', { name: /^Game-day [A-Z2-9]{6}$/ });
    await card.waitFor();
    const joinUrl = (await card.getByRole('link', { name: /#join=/ }).textContent())!;
    const code = /#join=([A-Z2-9]{6})$/.exec(joinUrl)![1]!;

    const commander = await newPage('commander');
    await joinAs(commander, joinUrl, 'Ada', /^Incident commander/);
    const onCall = await newPage('on-call');
    await joinAs(onCall, joinUrl, 'Bob', /^Primary on-call/, 'code');
    await onCall.getByRole('status').getByText(/Waiting for the facilitator/).waitFor();
    await card.getByText('Ada (incident-commander), Bob (primary-on-call)').waitFor();
    await console.screenshot({ path: join(artifacts, 'gameday-console.png'), fullPage: true });

    await card.getByRole('button', { name: 'Start' }).click();
    for (const page of [commander, onCall]) await page.getByRole('region', { name: 'Game-day' }).getByLabel('Session status').getByText('running').waitFor();

    // Bring the page on: the facilitator's control API moves this session's clock ahead.
    const session = await sim.control<{ url: string }>('GET', `/gameday/sessions/${code}`);
    for (let minute = 0; minute < 40; minute++) {
      const response = await fetch(`${session.url}/_sim/clock/advance`, { method: 'POST', headers: { authorization: `Bearer ${sim.facilitatorToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ ms: 60_000 }) });
      if (((await response.json()) as DrillState).paging.length > 0) break;
    }
    // The on-call acknowledges; the commander sees it, attributed.
    await answerThePager(onCall.getByRole('region', { name: 'Pager' }));
    const commanderTimeline = commander.getByRole('list', { name: 'Timeline, newest first' });
    await expect.poll(async () => (await commanderTimeline.textContent()) ?? '', { timeout: 5000 }).toMatch(/Bob\s*acknowledged SpeculationRollback/);

    // The on-call runs the runbook's first step in their terminal, as themselves.
    await onCall.getByRole('region', { name: "Terminal: type the runbook's commands" }).click();
    await onCall.keyboard.type(`curl -X POST http://localhost:9090/admin/config -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"speculation.enabled": false}'`);
    await onCall.keyboard.press('Enter');
    // Issue 16: one entry for the line, under the person's name; the request it made is folded into it.
    await expect.poll(async () => (await commanderTimeline.textContent()) ?? '', { timeout: 10_000 }).toMatch(/Bob\s*\$ curl -X POST http:\/\/localhost:9090\/admin\/config/);
    expect((await commanderTimeline.textContent()) ?? '').not.toMatch(/Bob\s*POST \/admin\/config/);
    await expect.poll(async () => (await commander.getByRole('region', { name: 'Service' }).textContent()) ?? '', { timeout: 5000 }).toContain('speculation.enabled=false');

    // A hint and a pause reach everyone.
    await card.getByPlaceholder('A hint for everyone in this game-day').fill('Who has joined the bridge?');
    await card.getByRole('button', { name: 'Send hint' }).click();
    for (const page of [commander, onCall]) await page.getByRole('complementary', { name: 'Hints from the facilitator' }).getByText('Who has joined the bridge?').waitFor();
    await card.getByRole('button', { name: 'Pause' }).click();
    for (const page of [commander, onCall]) await page.getByText(/Paused by the facilitator/).waitFor();
    await onCall.screenshot({ path: join(artifacts, 'gameday-on-call-paused.png'), fullPage: true });
    await card.getByRole('button', { name: 'Resume' }).click();
    await commander.getByRole('region', { name: 'Game-day' }).getByLabel('Session status').getByText('running').waitFor();

    // Roles in the UI: the on-call cannot declare resolved; the commander declares the severity and resolves.
    await expect.poll(() => onCall.getByRole('button', { name: 'Declare resolved' }).isDisabled()).toBe(true);
    const severity = commander.getByRole('form', { name: 'Declare severity' });
    await severity.getByRole('radio', { name: /^P1 Critical/ }).check();
    await severity.getByRole('button', { name: 'Declare severity' }).click();
    await severity.getByText('Declared: P1').waitFor();
    await declareResolved(commander);
    for (const page of [commander, onCall]) await page.getByRole('region', { name: 'Debrief' }).getByRole('table', { name: 'Score by dimension' }).waitFor();
    await commander.screenshot({ path: join(artifacts, 'gameday-commander-debrief.png'), fullPage: true });

    // The facilitator sees the session ended, and each person's share of the score.
    await card.getByLabel('Status').getByText('ended').waitFor();
    await card.getByRole('button', { name: 'Results', exact: true }).click();
    const results = card.getByRole('table', { name: `Results of ${code}` });
    await results.getByRole('cell', { name: 'Bob' }).waitFor();
    expect(await results.textContent()).toMatch(/acknowledged the page/);
    expect(await results.textContent()).toMatch(/declared the severity/);
    await console.getByRole('table', { name: 'Finished game-days, best first' }).getByRole('cell', { name: 'sre-blue' }).waitFor();
    await console.screenshot({ path: join(artifacts, 'gameday-console-results.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
